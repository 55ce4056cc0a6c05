/**
 * Booting whole machines in tests: {@link dev.treewave.testing.qemu.QemuVm} runs {@code
 * qemu-system-x86_64} (KVM when a probe boot proves it works, else TCG) with its serial console in
 * the test's log and networking only to 127.0.0.1; {@link dev.treewave.testing.qemu.BiosDisk}
 * builds a raw MBR disk with GRUB 2 (BIOS) installed, without root and without loop devices.
 */
package dev.treewave.testing.qemu;
