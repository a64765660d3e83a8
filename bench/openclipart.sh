# Sourced by the bench scripts that use real images: prints the directory of Debian's
# openclipart-png PNGs, fetched once with `apt-get download` (no root) and unpacked with
# `dpkg -x` into ${LOOKALIKE_CACHE:-~/.cache/lookalike}/openclipart; prints nothing (and the
# real-image part is skipped) where apt-get or dpkg is missing.
openclipart_dir() {
  local cache="${LOOKALIKE_CACHE:-$HOME/.cache/lookalike}/openclipart"
  local pngs="$cache/root/usr/share/openclipart/png"
  if [ ! -d "$pngs" ]; then
    command -v apt-get >/dev/null && command -v dpkg >/dev/null || return 0
    mkdir -p "$cache"
    echo "$(basename "$0" .sh): fetching openclipart-png into $cache ..." >&2
    (cd "$cache" && ls openclipart-png_*.deb >/dev/null 2>&1 || apt-get download openclipart-png >&2) || return 0
    dpkg -x "$cache"/openclipart-png_*.deb "$cache/root" || return 0
  fi
  echo "$pngs"
}
