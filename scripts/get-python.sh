#!/bin/sh
# scripts/get-python.sh -- a CPython that pyenv does not have (3.14, 3.15,
# later ones by the same rule), from Debian's unstable suite, without
# touching the system: apt-get downloads the interpreter's packages with
# a private sources list and state, dpkg -x unpacks them with the newer
# libc they need into a cache directory, and a wrapper runs the
# interpreter through the unpacked loader.  Prints the wrapper's path.
#
# Usage: scripts/get-python.sh VERSION            e.g. 3.14
#        scripts/get-python.sh --refresh VERSION  fetch again even if cached
#
# Cache: ${GCLAB_PYTHON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gclab/python}/VERSION,
# holding prefix/ (the unpacked packages), python (the wrapper) and
# debian-version (the exact package version, e.g. 3.14.10-1).  A second
# call reuses it.  Mirror: GCLAB_DEBIAN_MIRROR (default
# http://deb.debian.org/debian); apt checks the suite's signature with
# Debian's archive keyring as always.
#
# Why not apt-get install: these packages need libc6 >= 2.38, and
# installing them would replace the system's libc.
#
# Any failure (a version it does not know, no network, a package
# missing, an interpreter that does not start) is one line on stderr and
# exit status 2.
set -u

die() {
    echo "get-python: $*" >&2
    exit 2
}

refresh=0
if [ "${1:-}" = "--refresh" ]; then
    refresh=1
    shift
fi
[ $# -eq 1 ] || die "usage: get-python.sh [--refresh] VERSION (e.g. 3.14)"
v=$1
# pyenv has every older release this project uses; Debian's unstable
# suite carries only the current ones, so only 3.14 and later are known.
case $v in
    3.1[4-9] | 3.[2-9][0-9]) ;;
    *) die "unknown version '$v': this script knows 3.14 and later (3.14, 3.15, ...)" ;;
esac

cache=${GCLAB_PYTHON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gclab/python}
dir=$cache/$v
wrapper=$dir/python

if [ $refresh -eq 0 ] && [ -x "$wrapper" ] && [ -s "$dir/debian-version" ]; then
    if "$wrapper" -c 'pass' >/dev/null 2>&1; then
        echo "$wrapper"
        exit 0
    fi
    # A broken cache (interrupted unpack, moved prefix): fetch again.
fi

mkdir -p "$cache" 2>/dev/null || die "cannot create the cache directory $cache"
work=$(mktemp -d "$cache/.fetch-$v.XXXXXX") ||
    die "cannot create a temporary directory in $cache"
trap 'rm -rf "$work"' EXIT
log=$work/log

mirror=${GCLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || die "no Debian archive keyring at $keyring (package debian-archive-keyring)"
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs" \
    "$work/etc/preferences.d" || die "cannot populate $work"
echo "deb [signed-by=$keyring] $mirror unstable main" >"$work/etc/sources.list"
# Private state: nothing of the system's sources, lists, cache or dpkg
# status is read or written.  The status file is empty so that apt
# resolves nothing against the installed system.  Downloads run as the
# caller (no sandbox user), since _apt cannot write into our directories.
# The signature is checked as always; the Release file's Valid-Until is
# not, since a mirror frozen at a date (as the one this was written on)
# serves an expired but correctly signed suite.
opts="-o Dir::Etc::sourcelist=$work/etc/sources.list
 -o Dir::Etc::sourceparts=-
 -o Dir::Etc::preferencesparts=$work/etc/preferences.d
 -o Dir::State::lists=$work/lists
 -o Dir::State::status=/dev/null
 -o Dir::Cache=$work/cache
 -o Debug::NoLocking=1
 -o APT::Sandbox::User=$(id -un)
 -o Acquire::Check-Valid-Until=false
 -o Acquire::Retries=0
 -o Acquire::http::Timeout=20"

# apt-get update exits 0 or 1 on an unreachable source depending on
# how the connection fails (refused, timed out, no route), so its status
# alone does not say which failure this was: the log does.
# shellcheck disable=SC2086
apt-get -q $opts update >"$log" 2>&1
update_rc=$?
first_error() {
    { grep -E '^(E|W):' "$log"; grep -E '^Err' "$log"; } | head -n1 | cut -c1-200
}
if grep -qE 'Could not connect|Could not resolve|Connection refused|Temporary failure|Network is unreachable|Connection timed out|Unable to connect' "$log"; then
    die "cannot reach $mirror (unstable): $(first_error)"
fi
[ "$update_rc" -eq 0 ] ||
    die "apt-get update from $mirror (unstable) failed: $(first_error)"
# Without the suite's package lists there is nothing to download.
if ! ls "$work/lists/"*_Packages* >/dev/null 2>&1; then
    die "no package lists from $mirror (unstable): $(first_error)"
fi

# The interpreter, its library and stdlib, and what the interpreter and
# the stdlib modules the probes and twins use link to (libc6; pyexpat:
# libexpat1; zlib: zlib1g; _ctypes: libffi8), all from the same suite.
pkgs="python$v-minimal libpython$v-minimal libpython$v-stdlib libc6 libexpat1 zlib1g libffi8"
version() {
    # shellcheck disable=SC2086
    apt-cache $opts show --no-all-versions "$1" 2>/dev/null |
        awk '$1 == "Version:" { print $2; exit }'
}
for p in $pkgs; do
    [ -n "$(version "$p")" ] || die "package $p is not in $mirror unstable"
done
debver=$(version "python$v-minimal")
(cd "$work/debs" &&
    # shellcheck disable=SC2086
    apt-get -q $opts download $pkgs) >"$log" 2>&1 ||
    die "apt-get download failed: $(grep -m1 -E '^(E|Err|W):' "$log" | cut -c1-200)"
mkdir "$work/prefix" || die "cannot create $work/prefix"
for deb in "$work/debs/"*.deb; do
    dpkg -x "$deb" "$work/prefix" 2>"$log" ||
        die "dpkg -x $(basename "$deb") failed: $(head -n1 "$log")"
done

arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
loader=$(ls "$work/prefix/usr/lib/$arch/"ld-linux*.so.* "$work/prefix/lib/$arch/"ld-linux*.so.* 2>/dev/null | head -n1)
[ -n "$loader" ] || die "libc6 from $mirror has no dynamic loader under usr/lib/$arch"
[ -x "$work/prefix/usr/bin/python$v" ] || die "python$v-minimal has no usr/bin/python$v"

# The wrapper finds the prefix next to itself, so the cache can move.
# argv[0] stays the interpreter's own path so that sys.executable and
# sys.prefix (hence the stdlib) are found in the prefix.
cat >"$work/python" <<EOF
#!/bin/sh
# CPython $debver from Debian unstable, unpacked by scripts/get-python.sh;
# runs through the unpacked loader and libraries, not the system's.
p=\$(dirname "\$0")/prefix
exec "\$p/${loader#"$work/prefix/"}" \\
    --library-path "\$p/usr/lib/$arch:\$p/lib/$arch" \\
    --argv0 "\$p/usr/bin/python$v" \\
    "\$p/usr/bin/python$v" "\$@"
EOF
chmod +x "$work/python" || die "cannot make $work/python executable"
echo "$debver" >"$work/debian-version"
rm -rf "$work/debs" "$work/cache" "$work/lists" "$work/etc" "$log"

got=$("$work/python" -c 'import sys, gc, weakref, ctypes, array, zlib; print("%d.%d" % sys.version_info[:2])' 2>"$work/err")
[ "$got" = "$v" ] ||
    die "the unpacked python$v does not start: $(head -n1 "$work/err")"
rm -f "$work/err"

rm -rf "$dir.old"
[ ! -e "$dir" ] || mv "$dir" "$dir.old" || die "cannot replace $dir"
mv "$work" "$dir" || die "cannot move the new interpreter into $dir"
rm -rf "$dir.old"
trap - EXIT
echo "$wrapper"
