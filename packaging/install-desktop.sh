#!/usr/bin/env bash
# Install nnviz's desktop entry and icons for the current user, so that it shows up in the
# application menu and the dock with its icon. Run from any directory:
#
#     packaging/install-desktop.sh                  # for the nnviz found on PATH (e.g. a venv's)
#     packaging/install-desktop.sh --bundle DIR     # for a PyInstaller bundle, e.g. dist/nnviz
#     packaging/install-desktop.sh --exec COMMAND   # an Exec value, verbatim, e.g. "nnviz"
#     packaging/install-desktop.sh --uninstall      # remove what an install put there
#
# Files go below --data-dir DIR (default $XDG_DATA_HOME, or ~/.local/share):
#     applications/io.github.nnviz.nnviz.desktop
#     icons/hicolor/<N>x<N>/apps/io.github.nnviz.nnviz.png and icons/hicolor/scalable/apps/...svg
# The Exec line of the installed entry names the program by its absolute path: a desktop
# session's PATH seldom holds a venv's bin folder.
set -euo pipefail

app_id="io.github.nnviz.nnviz"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
data_dir="${XDG_DATA_HOME:-$HOME/.local/share}"
program=""    # a program's path: quoted on the Exec line when it holds a space
exec_line=""  # or an Exec value, verbatim (--exec)
uninstall=0

usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "install-desktop.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --bundle) [ $# -ge 2 ] || die "--bundle needs the bundle folder"
                  [ -x "$2/nnviz" ] || die "no program $2/nnviz (build one with packaging/build.sh)"
                  program="$(cd "$2" && pwd)/nnviz"; shift 2 ;;
        --exec) [ $# -ge 2 ] || die "--exec needs a command"; exec_line="$2"; shift 2 ;;
        --data-dir) [ $# -ge 2 ] || die "--data-dir needs a folder"; data_dir="$2"; shift 2 ;;
        --uninstall) uninstall=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done

apps="$data_dir/applications"
icons="$data_dir/icons/hicolor"
sizes=(16 32 48 64 128 256 512)

refresh() {  # the caches some desktops read; all optional
    if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$apps" || true; fi
    if command -v gtk-update-icon-cache >/dev/null && [ -f "$icons/index.theme" ]; then
        gtk-update-icon-cache -q -t "$icons" || true
    fi
}

if [ "$uninstall" = 1 ]; then
    rm -f "$apps/$app_id.desktop" "$icons/scalable/apps/$app_id.svg"
    for n in "${sizes[@]}"; do rm -f "$icons/${n}x${n}/apps/$app_id.png"; done
    refresh
    echo "install-desktop.sh: removed $app_id from $data_dir"
    exit 0
fi

if [ -z "$exec_line" ]; then
    if [ -z "$program" ]; then
        found="$(command -v nnviz || true)"
        [ -n "$found" ] || die "nnviz is not on PATH: activate its venv, or give --bundle DIR or --exec COMMAND"
        program="$(cd "$(dirname "$found")" && pwd)/$(basename "$found")"
    fi
    # the Exec key's quoting rules: a path with a space goes in double quotes; the characters
    # that would need escapes there are refused rather than escaped
    case "$program" in *'"'*|*'`'*|*'$'*|*'\'*|*'%'*) die "the path '$program' holds a character an Exec line cannot take plainly" ;; esac
    case "$program" in *' '*) exec_line="\"$program\"" ;; *) exec_line="$program" ;; esac
fi

mkdir -p "$apps" "$icons/scalable/apps"
for n in "${sizes[@]}"; do
    install -D -m 644 "$root/resources/icons/hicolor/${n}x${n}/apps/nnviz.png" "$icons/${n}x${n}/apps/$app_id.png"
done
install -m 644 "$root/resources/icons/nnviz.svg" "$icons/scalable/apps/$app_id.svg"
tmp="$(mktemp "$apps/.$app_id.XXXXXX")"
sed "s|^Exec=nnviz\$|Exec=$(printf '%s' "$exec_line" | sed 's/[&|\\]/\\&/g')|" "$here/$app_id.desktop" > "$tmp"
chmod 644 "$tmp"
mv -f "$tmp" "$apps/$app_id.desktop"
refresh
echo "install-desktop.sh: installed $apps/$app_id.desktop (Exec=$exec_line) and its icons below $icons"
