#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster in a temporary folder for the test suite and prints the folder on
# stdout (its URL is in DIR/url); `stop` with the folder stops and removes it. Debian's `postgresql` package
# provides the binaries; when they are missing it installs them (as root, via apt-get) or says exactly
# what to install.
#   dir=$(bash scripts/postgres-for-tests.sh start); url=$(cat "$dir/url")   # postgres://modelgate@127.0.0.1:PORT/postgres
#   bash scripts/postgres-for-tests.sh stop DIR
set -euo pipefail

find_bin() {
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

case "${1:-}" in
  start)
    if ! bin=$(find_bin); then
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing Debian's postgresql (the tests run against a real server too)" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        bin=$(find_bin)
      else
        echo "PostgreSQL is missing: install Debian's package ('sudo apt-get install postgresql') and run again" >&2
        exit 1
      fi
    fi
    dir=$(mktemp -d /tmp/modelgate-pg.XXXXXX)
    chmod 755 "$dir"
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres user when we are root.
    run=()
    if [ "$(id -u)" = 0 ]; then
      id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
      chown postgres "$dir"
      run=(runuser -u postgres --)
    fi
    port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    "${run[@]}" "$bin/initdb" -D "$dir/data" -U modelgate --auth=trust --encoding=UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >&2 \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://modelgate@127.0.0.1:$port/postgres" >"$dir/url"
    echo "$dir"
    ;;
  stop)
    dir="$2"
    bin=$(find_bin) || exit 0
    run=()
    [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
    "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
