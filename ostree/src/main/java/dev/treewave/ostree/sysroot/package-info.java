/**
 * OSTree sysroots and deployments, with libostree 2022.7's on-disk layout (ostree-format.md section
 * 7): deployments side by side under {@code ostree/deploy/OS/deploy/CSUM.SERIAL}, BLS entries in
 * {@code boot/loader.N/entries}, bootlink farms {@code ostree/boot.N.M}, the atomic {@code
 * boot/loader} swap, the 3-way {@code /etc} merge, staging for {@code
 * ostree-finalize-staged.service}, deployment refs, cleanup.
 *
 * <p>Entry point: {@link dev.treewave.ostree.sysroot.Sysroot}. Typical use by the node agent:
 *
 * <pre>{@code
 * Sysroot sysroot =
 *     Sysroot.builder(hostRoot, RepoTreeSource.forSysroot(hostRoot))
 *         .bootedSource(BootedSource.hostMountedAt(hostRoot))
 *         .spaceReserve(new SpaceReserve(512L << 20, 3))
 *         .build();
 * Deployment staged =
 *     sysroot.deploy(
 *         DeployOptions.of("fleet:os/stable").withOsname("fedora-coreos").withStage(true)
 *             .withLockFinalization(true));
 * // ... at the node's turn:
 * sysroot.setDefault(0);            // finalizes the staged deployment now
 * List<DeploymentStatus> status = sysroot.status();
 * }</pre>
 *
 * <p>Effects go through two ports: {@link dev.treewave.ostree.sysroot.SysrootFs} (every filesystem
 * change, one call per step, so tests can crash an operation between any two steps) and {@link
 * dev.treewave.ostree.sysroot.TreeSource} (the system repository).
 *
 * <p>Bootloaders: BLS entries always; with GRUB 2 (when {@code boot/grub/grub.cfg} is the symlink
 * {@code ../loader/grub.cfg}) also a generated {@code grub.cfg} and a boot-counting {@code grubenv}
 * in each {@code loader.N}, swapped with the entries ({@code GrubBackend}). Not implemented:
 * syslinux/u-boot/zipl config files, systemd-boot counting, devicetree {@code dtb/} directories,
 * overlay initrds, SELinux relabelling.
 */
package dev.treewave.ostree.sysroot;
