# Sourced by scripts that regenerate a copy of the workspace: makes the copy
# and builds its xtask (which acts on the workspace it was built in).
#
#   workspace_copy ROOT   sets COPY (the copy) and XTASK (its xtask binary),
#                         and deletes the copy when the script exits
#
# The copy holds the files git knows, committed or not, and sees ../shared
# through a link beside it. All copies share one target
# directory, ROOT/target/workspace-copy, so dependencies build once.

workspace_copy() {
  local root=$1
  local work
  work=$(mktemp -d)
  # shellcheck disable=SC2064 # expand now: the path is fixed
  trap "rm -rf '$work'" EXIT
  COPY=$work/workspace
  mkdir -p "$COPY"
  (cd "$root" && git ls-files -z --cached --others --exclude-standard \
    | xargs -0 cp --parents -t "$COPY")
  # The copy sees the shared documents where the repository does, beside it.
  if [ -d "$root/../shared" ]; then
    ln -s "$(cd "$root/../shared" && pwd)" "$work/shared"
  fi
  export CARGO_TARGET_DIR=$root/target/workspace-copy
  echo "==> building the xtask in the copy at $COPY"
  (cd "$COPY" && cargo build -q -p xtask)
  XTASK=$CARGO_TARGET_DIR/debug/xtask
}
