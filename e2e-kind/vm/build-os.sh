#!/usr/bin/env bash
# Builds (once) the Debian 12 OS tree that the real-boot E2Es commit with treewave-ostree and
# boot through GRUB in qemu: debootstrap minbase plus systemd, the cloud kernel and an
# initramfs-tools initramfs whose local-bottom hook runs the real ostree-prepare-root, already in
# OSTree layout (/usr/etc, empty /var, kernel and initramfs in /usr/lib/modules/$KVER/).
#
# Cached outside the repository, keyed by the hash of this script (which holds the package
# list): $TREEWAVE_CACHE/vm-os/<hash>/tree (default cache: $HOME/.cache/treewave).
# Needs root (debootstrap, chroot) and a Debian mirror. Progress goes to stderr; the tree's path
# is the only line on stdout:  TREE=$(e2e-kind/vm/build-os.sh)
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
say() { printf '[vm-os %4ss] %s\n' "$SECONDS" "$*" >&2; }

# What the tree holds beyond minbase; Recommends are not installed (udev comes with systemd; the
# initramfs has none and loads its few modules by name).
packages=(systemd systemd-sysv linux-image-cloud-amd64 initramfs-tools ostree-boot)
# The node agent runs in the VM: a JRE, and ip(8) for the static address of qemu's user network.
packages+=(openjdk-17-jre-headless iproute2)
# virtio disk for the root filesystem (ext4 is built into the cloud kernel).
initramfs_modules=(virtio_pci virtio_blk)

key="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
cache="${TREEWAVE_CACHE:-$HOME/.cache/treewave}/vm-os"
dest="$cache/$key/tree"
if [ -f "$cache/$key/.complete" ]; then echo "$dest"; exit 0; fi
[ "$(id -u)" -eq 0 ] || { echo "build-os.sh: needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "build-os.sh: apt-get install debootstrap" >&2; exit 1; }

mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
mirror="${mirror:-http://deb.debian.org/debian}"
work="$cache/$key/tree.tmp"
rm -rf "$work"
mkdir -p "$work"
log="$cache/$key/build.log"
: >"$log"
cleanup() { umount "$work/proc" 2>/dev/null || true; }
trap cleanup EXIT

say "debootstrap --variant=minbase bookworm from $mirror (log: $log)"
debootstrap --variant=minbase bookworm "$work" "$mirror" >>"$log" 2>&1
mount -t proc proc "$work/proc"

# The initramfs-tools hook and script must be in place before the kernel's postinst builds it.
mkdir -p "$work/etc/initramfs-tools/hooks" "$work/etc/initramfs-tools/scripts/local-bottom"
cat >"$work/etc/initramfs-tools/hooks/ostree" <<'HOOK'
#!/bin/sh
# Puts the real ostree-prepare-root (and its libraries) into the initramfs.
[ "$1" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
copy_exec /usr/lib/ostree/ostree-prepare-root /usr/lib/ostree/ostree-prepare-root
HOOK
cat >"$work/etc/initramfs-tools/scripts/local-bottom/ostree" <<'SCRIPT'
#!/bin/sh
# After the physical root is mounted on ${rootmnt}: make the deployment named by ostree= the root
# and the physical root its /sysroot (writes /run/ostree-booted).
# (klibc's shell and tools here: no grep.)
[ "$1" = prereqs ] && exit 0
. /scripts/functions
read -r cmdline </proc/cmdline
case " $cmdline " in *" ostree="*) ;; *) exit 0 ;; esac
/usr/lib/ostree/ostree-prepare-root "${rootmnt}" || panic "ostree-prepare-root failed"
SCRIPT
chmod 0755 "$work/etc/initramfs-tools/hooks/ostree" "$work/etc/initramfs-tools/scripts/local-bottom/ostree"
mkdir -p "$work/etc/initramfs-tools/conf.d"
printf 'MODULES=list\nCOMPRESS=gzip\n' >"$work/etc/initramfs-tools/conf.d/treewave.conf"
printf '%s\n' "${initramfs_modules[@]}" >>"$work/etc/initramfs-tools/modules"

say "apt-get install ${packages[*]}"
chroot "$work" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  "${packages[@]}" >>"$log" 2>&1

kver="$(basename "$(ls -d "$work"/usr/lib/modules/*/ | head -n1)")"
say "initramfs for $kver"
chroot "$work" update-initramfs -c -k "$kver" >>"$log" 2>&1 || chroot "$work" update-initramfs -u -k "$kver" >>"$log" 2>&1
umount "$work/proc"

say "OSTree layout"
mv "$work/boot/vmlinuz-$kver" "$work/usr/lib/modules/$kver/vmlinuz"
mv "$work/boot/initrd.img-$kver" "$work/usr/lib/modules/$kver/initramfs.img"
rm -rf "$work/boot" && mkdir "$work/boot"
rm -f "$work/vmlinuz" "$work/vmlinuz.old" "$work/initrd.img" "$work/initrd.img.old"

# A quiet, short boot under TCG: no timers or housekeeping a test VM does not need.
for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \
  fstrim.timer dpkg-db-backup.timer systemd-timesyncd.service getty@tty1.service \
  serial-getty@ttyS0.service; do
  ln -sf /dev/null "$work/etc/systemd/system/$unit"
done
echo treewave-vm >"$work/etc/hostname"
# qemu's user-mode network (restrict=on): no DHCP client needed, the addresses are fixed, so
# treewave-net sets them. Tests forward the guest-side 10.0.2.100:6443 to their kube-apiserver;
# "kubernetes" is a name its certificate carries.
printf '127.0.0.1 localhost treewave-vm\n10.0.2.100 kubernetes\n' >"$work/etc/hosts"
cat >"$work/usr/local/bin/treewave-net" <<'NET'
#!/bin/sh
# The first NIC (udev names it ens2 unless the kernel command line has net.ifnames=0).
modprobe virtio_net || echo "TREEWAVE-PROOF modprobe virtio_net failed"
i=0
while :; do
  dev="$(ls /sys/class/net | grep -v '^lo$' | head -n1)"
  [ -n "$dev" ] || [ $i -ge 100 ] && break
  sleep 0.1; i=$((i + 1))
done
ip link set lo up
ip link set "$dev" up
ip addr add 10.0.2.15/24 dev "$dev"
ip route add default via 10.0.2.2
echo "TREEWAVE-PROOF network: $(ip -br addr show "$dev")"
NET
chmod 0755 "$work/usr/local/bin/treewave-net"
cat >"$work/etc/systemd/system/treewave-net.service" <<'UNIT'
[Unit]
Description=qemu user network (static)
After=systemd-modules-load.service
Before=network-online.target
Wants=network-online.target
[Service]
Type=oneshot
RemainAfterExit=yes
StandardOutput=tty
TTYPath=/dev/ttyS0
ExecStart=/usr/local/bin/treewave-net
[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/treewave-net.service \
  "$work/etc/systemd/system/multi-user.target.wants/treewave-net.service"
: >"$work/etc/fstab"
rm -f "$work/etc/machine-id" && : >"$work/etc/machine-id"

# The proof: one unit at the end of the boot prints to the serial console what the boot chain
# did, then powers off. Tests look for its TREEWAVE-PROOF lines.
cat >"$work/usr/local/bin/treewave-proof" <<'PROOF'
#!/bin/sh
echo "TREEWAVE-PROOF cmdline: $(cat /proc/cmdline)"
echo "TREEWAVE-PROOF findmnt /: $(findmnt -n -o SOURCE,FSTYPE /)"
echo "TREEWAVE-PROOF root: $(stat -c %d:%i /)"
for d in /sysroot/ostree/deploy/*/deploy/*.[0-9]; do
  echo "TREEWAVE-PROOF deployment $(basename "$d"): $(stat -c %d:%i "$d")"
done
[ -e /run/ostree-booted ] && echo "TREEWAVE-PROOF /run/ostree-booted present"
echo "TREEWAVE-PROOF findmnt /var: $(findmnt -n -o SOURCE,FSTYPE /var)"
echo "TREEWAVE-PROOF multi-user.target: $(systemctl is-active multi-user.target 2>&1)"
echo "TREEWAVE-PROOF ostree-remount.service: $(systemctl is-active ostree-remount.service 2>&1)"
echo "TREEWAVE-PROOF motd: $(cat /etc/motd 2>/dev/null | head -n1)"
PROOF
chmod 0755 "$work/usr/local/bin/treewave-proof"
cat >"$work/etc/systemd/system/treewave-proof.service" <<'UNIT'
[Unit]
Description=treewave boot proof on the serial console
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/usr/local/bin/treewave-proof
# A test that keeps the machine running (e.g. for the agent) adds /etc/treewave/keep-running.
ExecStartPost=/bin/sh -c '[ -e /etc/treewave/keep-running ] || systemctl --no-block poweroff'
StandardOutput=tty
TTYPath=/dev/ttyS0
[Install]
WantedBy=default.target
UNIT
ln -sf /etc/systemd/system/treewave-proof.service \
  "$work/etc/systemd/system/multi-user.target.wants/treewave-proof.service"

# Smaller tree: no docs, manuals, locales, apt caches.
rm -rf "$work"/usr/share/doc/* "$work"/usr/share/man/* "$work"/usr/share/info/* \
  "$work"/var/cache/apt/* "$work"/var/lib/apt/lists/* "$work"/var/log/*
find "$work/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +

# OSTree layout: /etc is the default config under /usr/etc, /var starts empty (libostree's
# deploy makes the stateroot's var), /ostree points into the physical root.
mv "$work/etc" "$work/usr/etc"
rm -rf "$work/var" && mkdir "$work/var"
for d in sysroot dev proc sys run tmp; do rm -rf "${work:?}/$d"; mkdir "$work/$d"; done
chmod 1777 "$work/tmp"
ln -s sysroot/ostree "$work/ostree"
# Device nodes and sockets are not OSTree content.
find "$work" \( -type b -o -type c -o -type p -o -type s \) -delete

rm -rf "$dest" && mv "$work" "$dest"
echo "$kver" >"$cache/$key/kver"
touch "$cache/$key/.complete"
say "done: $(du -sh "$dest" | cut -f1) in $dest"
echo "$dest"
