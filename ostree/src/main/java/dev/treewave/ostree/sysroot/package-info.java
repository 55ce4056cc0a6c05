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
 * dev.treewave.ostree.sysroot.TreeSource} (the system repository). Not implemented: bootloader
 * back-ends other than plain BLS (grub2/syslinux/u-boot config files), devicetree {@code dtb/}
 * directories, overlay initrds, SELinux relabelling.
 */
package dev.treewave.ostree.sysroot;
