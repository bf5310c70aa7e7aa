#!/usr/bin/env bash
# Builds the file tree Jib adds to the `scratch` base of Sluice's OCI image (README "Deployment"):
#   /opt/java                  a jlink'ed runtime of the JDK running the build, with only the modules Sluice uses
#   /lib*, /usr/lib*           the shared libraries that runtime loads, copied from the build machine (ldd), and the
#                              dynamic loader: the image needs no distribution, no shell, no package manager
#   /etc/passwd, /etc/group    root and the user the image runs as (sluice, 10001)
#   /etc/nsswitch.conf         host names from /etc/hosts, then DNS (glibc's lookup order otherwise depends on it)
#   /etc/sluice/sluice.yaml    the default configuration
#   /tmp, /var/lib/sluice      scratch space (Netty unpacks its epoll library there) and the data directory
# The machine must be Linux with glibc (ldd). Usage: rootfs.sh <java.home> <out dir> <modules,...> <sluice.yaml>
set -euo pipefail
java_home="$1"; out="$2"; modules="$3"; config="$4"

if [ "$(uname -s)" != "Linux" ] || ! command -v ldd >/dev/null; then
  echo "rootfs.sh: the image bundles the build machine's glibc, so it is built on Linux only" >&2
  exit 1
fi
jlink="$java_home/bin/jlink"
[ -x "$jlink" ] || { echo "rootfs.sh: $jlink missing: build with a JDK, not a JRE" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/opt" "$out/etc/sluice" "$out/tmp" "$out/var/lib/sluice"
# --strip-debug and no headers or man pages: the runtime is about 50 MB instead of 300.
"$jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --output "$out/opt/java"

# The JDK's own trust store (Debian's is a link to the system's /etc/ssl/certs/java/cacerts; jlink copied the
# smaller one packed in its jmods): the image trusts what `java` trusts on the build machine.
if [ -f "$java_home/lib/security/cacerts" ]; then
  cp -L --remove-destination "$java_home/lib/security/cacerts" "$out/opt/java/lib/security/cacerts"
fi

# Every library the launcher, libjvm and the JDK's native libraries link against, at the path the build machine's
# loader found it (that path is in the loader's default search list). libjvm itself is found by the launcher.
libs="$(mktemp)"
trap 'rm -f "$libs"' EXIT
find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
  | LD_LIBRARY_PATH="$out/opt/java/lib:$out/opt/java/lib/server" xargs -0 ldd 2>/dev/null \
  | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' \
  | grep -v "^$out" | sort -u > "$libs"
# glibc loads these on demand (dlopen), ldd cannot see them: unwinding for thread cancellation, and on glibc < 2.34
# the host and DNS lookups that later versions build into libc.
libc_dir="$(dirname "$(grep -m 1 '/libc\.so\.6$' "$libs")")"
for extra in libgcc_s.so.1 libnss_files.so.2 libnss_dns.so.2 libresolv.so.2; do
  if [ -e "$libc_dir/$extra" ]; then echo "$libc_dir/$extra" >> "$libs"; fi
done
sort -u -o "$libs" "$libs"
while read -r lib; do
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib" # the file, not a link: Jib copies regular files
done < "$libs"

cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
sluice:x:10001:10001:Sluice:/var/lib/sluice:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
sluice:x:10001:
nogroup:x:65534:
GROUP
echo "hosts: files dns" > "$out/etc/nsswitch.conf"
cp "$config" "$out/etc/sluice/sluice.yaml"
echo "rootfs.sh: $(du -sh "$out" | cut -f1) in $out ($(wc -l < "$libs") libraries from the build machine)"
