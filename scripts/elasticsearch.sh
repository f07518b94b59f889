#!/usr/bin/env bash
#
# Runs local Elasticsearch nodes for mmrag's integration tests, for CI and for developers.
#
#   scripts/elasticsearch.sh fetch                        download and verify the distribution (once; cached)
#   scripts/elasticsearch.sh start [options]              start a fresh cluster and wait until it is healthy
#   scripts/elasticsearch.sh stop [--name NAME]           stop every node of a cluster
#   scripts/elasticsearch.sh kill --node I [--name NAME]  SIGKILL one node (to test fail-over)
#   scripts/elasticsearch.sh status [--name NAME] [--http-port P]   print the cluster's health
#   scripts/elasticsearch.sh logs [--name NAME]           print the tail of every node's logs
#   scripts/elasticsearch.sh dir [--name NAME]            print the cluster's folder
#
# Options of start (defaults in brackets):
#   --name NAME             cluster name, also the name of its folder [mmrag-test]
#   --nodes N               how many nodes, 1 to 9, all master-eligible data nodes [1]
#   --http-port P           HTTP port of node 1; node i listens on P+i-1 [19200]
#   --transport-port T      transport port of node 1; node i listens on T+i-1 [19300]
#   --heap SIZE             heap of each node [512m]
#   --security              turn security on: TLS on HTTP and transport with a CA made for this cluster
#                           (<cluster folder>/http_ca.crt), and a superuser 'mmrag-admin' whose password is
#                           MMRAG_ES_PASSWORD or else generated, in <cluster folder>/password (readable by its
#                           owner only; the script hands it to curl and elasticsearch-users on stdin, never as an
#                           argument, which any user could see in ps)
#
# What it does: downloads Elasticsearch's integ-test-zip distribution (a small build without machine
# learning or geoip) from Maven Central into a cache folder and checks its SHA-1. Every start gives each node
# its own copy (hard links where possible) with a fresh, empty data folder. Nodes listen on 127.0.0.1 only,
# with security off (unless --security), disk watermarks off and a small heap. Elasticsearch refuses to run as
# root: when this script runs as root it creates a system user (no login shell, no home) and runs the nodes
# as that user.
#
# Environment:
#   MMRAG_ES_CACHE          where the downloaded zip is kept [${XDG_CACHE_HOME:-~/.cache}/mmrag/elasticsearch]
#   MMRAG_ES_BASE           where clusters are unpacked and run [<repo>/mmrag-store-elasticsearch/target/elasticsearch,
#                           or /var/tmp/mmrag-elasticsearch/<hash> when run as root from a folder the node user
#                           cannot reach, such as a checkout under /root]
#   MMRAG_ES_USER           the user nodes run as when this script runs as root [mmrag-es]
#   MMRAG_ES_START_TIMEOUT  seconds to wait for a healthy cluster [240]
#   MMRAG_ES_PASSWORD       the password of 'mmrag-admin' with --security [generated]
#   ES_JAVA_HOME, JAVA_HOME the JDK the nodes run on, Java 17 to 23 [the `java` on the PATH]
#
# Needs bash, coreutils and a JDK; uses curl or wget and unzip when present, and the JDK otherwise
# (--security needs curl for its health check).

set -euo pipefail

readonly ES_VERSION=8.17.4
readonly ES_SHA1=5a39053d0155b6b1bd58fb0a28552c33c4a14e97
readonly ES_URL="https://repo1.maven.org/maven2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/${ES_VERSION}/elasticsearch-${ES_VERSION}.zip"
readonly ADMIN_USER=mmrag-admin

readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly CACHE_DIR="${MMRAG_ES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mmrag/elasticsearch}"
readonly RUN_USER="${MMRAG_ES_USER:-mmrag-es}"
readonly START_TIMEOUT="${MMRAG_ES_START_TIMEOUT:-240}"
readonly ZIP="$CACHE_DIR/elasticsearch-${ES_VERSION}.zip"
BASE_DIR= # set by main, see base_dir
DIST=

NAME=mmrag-test
NODES=1
HTTP_PORT=19200
TRANSPORT_PORT=19300
HEAP=512m
NODE=
SECURITY=false

log() { echo "elasticsearch.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    # Prints the comment block at the top of this file.
    awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "${BASH_SOURCE[0]}" >&2
    exit 2
}

parse_options() {
    while [ $# -gt 0 ]; do
        case "$1" in
            --name) NAME="${2:?--name needs a value}"; shift 2 ;;
            --nodes) NODES="${2:?--nodes needs a value}"; shift 2 ;;
            --http-port) HTTP_PORT="${2:?--http-port needs a value}"; shift 2 ;;
            --transport-port) TRANSPORT_PORT="${2:?--transport-port needs a value}"; shift 2 ;;
            --heap) HEAP="${2:?--heap needs a value}"; shift 2 ;;
            --node) NODE="${2:?--node needs a value}"; shift 2 ;;
            --security) SECURITY=true; shift ;;
            -h|--help) usage ;;
            *) die "unknown option '$1' (try --help)" ;;
        esac
    done
    [[ "$NAME" =~ ^[A-Za-z0-9_-]+$ ]] || die "--name '$NAME' may only contain letters, digits, '_' and '-'"
    [[ "$NODES" =~ ^[1-9]$ ]] || die "--nodes is '$NODES'; expected 1 to 9"
    [[ "$HTTP_PORT" =~ ^[0-9]+$ && "$TRANSPORT_PORT" =~ ^[0-9]+$ ]] || die "ports must be numbers"
    [[ "$HEAP" =~ ^[0-9]+[mMgG]$ ]] || die "--heap is '$HEAP'; expected a size such as 512m or 1g"
}

# ---------------------------------------------------------------------------------------------- users and folders

is_root() { [ "$(id -u)" -eq 0 ]; }

ensure_run_user() {
    if id "$RUN_USER" >/dev/null 2>&1; then
        return 0
    fi
    command -v useradd >/dev/null || die "running as root needs a non-root user for Elasticsearch, and useradd is missing; create user '$RUN_USER' or run this script as a normal user"
    log "creating system user '$RUN_USER' to run Elasticsearch (it refuses to run as root)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_USER"
}

# Runs a command as the user the nodes run as.
as_run_user() {
    if ! is_root; then
        "$@"
    elif command -v runuser >/dev/null; then
        runuser -u "$RUN_USER" -- "$@"
    else
        su -s /bin/sh "$RUN_USER" -c "$(printf '%q ' "$@")"
    fi
}

# Where clusters live: MMRAG_ES_BASE, else the module's build folder, unless the node user cannot reach it.
base_dir() {
    if [ -n "${MMRAG_ES_BASE:-}" ]; then
        echo "$MMRAG_ES_BASE"
    elif is_root && id "$RUN_USER" >/dev/null 2>&1 && ! as_run_user test -x "$REPO_ROOT"; then
        echo "/var/tmp/mmrag-elasticsearch/$(printf '%s' "$REPO_ROOT" | sha1sum | cut -c1-12)"
    else
        echo "$REPO_ROOT/mmrag-store-elasticsearch/target/elasticsearch"
    fi
}

cluster_dir() { echo "$BASE_DIR/$NAME"; }
node_dir() { echo "$(cluster_dir)/node-$1"; }

# ---------------------------------------------------------------------------------------------- java

# Prints the JDK folder the nodes run on, after checking that Elasticsearch 8.17 supports its version.
java_home() {
    local home="${ES_JAVA_HOME:-${JAVA_HOME:-}}"
    if [ -z "$home" ]; then
        local java
        java="$(command -v java)" || die "no Java found: install a JDK 17 to 23 or set ES_JAVA_HOME"
        home="$(dirname "$(dirname "$(readlink -f "$java")")")"
    fi
    [ -x "$home/bin/java" ] || die "no java at $home/bin/java; set ES_JAVA_HOME to a JDK 17 to 23"
    local version major
    version="$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    major="${version%%.*}"
    if [ -z "$major" ] || [ "$major" -lt 17 ] || [ "$major" -gt 23 ]; then
        die "Elasticsearch ${ES_VERSION} runs on Java 17 to 23, but $home is Java '${version}'; set ES_JAVA_HOME"
    fi
    echo "$home"
}

# ---------------------------------------------------------------------------------------------- fetch

download() {
    local url="$1" out="$2"
    if command -v curl >/dev/null; then
        curl --fail --silent --show-error --location --retry 3 --output "$out" "$url"
    elif command -v wget >/dev/null; then
        wget --quiet --tries=3 --output-document="$out" "$url"
    else
        # No curl or wget: let the JDK download it (Java runs a single source file directly).
        local src
        src="$(mktemp -d)/Download.java"
        cat >"$src" <<'EOF'
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

public class Download {
    public static void main(String[] args) throws Exception {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<Path> response = client.send(HttpRequest.newBuilder(URI.create(args[0])).build(),
                HttpResponse.BodyHandlers.ofFile(Path.of(args[1])));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode() + " for " + args[0]);
        }
    }
}
EOF
        "$(java_home)/bin/java" "$src" "$url" "$out"
        rm -rf "$(dirname "$src")"
    fi
}

fetch() {
    if [ -f "$ZIP" ] && echo "$ES_SHA1  $ZIP" | sha1sum --check --status; then
        return 0
    fi
    mkdir -p "$CACHE_DIR"
    log "downloading Elasticsearch ${ES_VERSION} from $ES_URL"
    download "$ES_URL" "$ZIP.part" || die "could not download $ES_URL"
    if ! echo "$ES_SHA1  $ZIP.part" | sha1sum --check --status; then
        rm -f "$ZIP.part"
        die "the download of $ES_URL does not have the expected SHA-1 $ES_SHA1"
    fi
    mv "$ZIP.part" "$ZIP"
    log "cached $ZIP"
}

# Extracts a zip file into a folder, with unzip or else the JDK's jar tool (which drops the executable bits).
extract() {
    local zip="$1" into="$2"
    mkdir -p "$into"
    if command -v unzip >/dev/null; then
        unzip -q -o "$zip" -d "$into"
    else
        (cd "$into" && "$(java_home)/bin/jar" xf "$zip")
    fi
}

unpack() {
    [ -x "$DIST/bin/elasticsearch" ] && return 0
    fetch
    local tmp="$BASE_DIR/dist.tmp"
    rm -rf "$tmp"
    extract "$ZIP" "$tmp"
    chmod +x "$tmp/elasticsearch-${ES_VERSION}"/bin/*
    mkdir -p "$(dirname "$DIST")"
    rm -rf "$DIST"
    mv "$tmp/elasticsearch-${ES_VERSION}" "$DIST"
    rm -rf "$tmp"
}

# ---------------------------------------------------------------------------------------------- http

# Prints the body of GET <path> on node 1; fails when nothing answers.
http_get() {
    local path="$1"
    if [ "$SECURITY" = true ]; then
        command -v curl >/dev/null || die "--security needs curl to check the cluster's health"
        # The credentials go to curl as a config file on stdin, not as arguments, which any user can see in ps.
        local password
        password="$(admin_password)"
        password="${password//\\/\\\\}" # in the config's quoted string, \ is written \\
        password="${password//\"/\\\"}" # and " is written \"
        printf 'user = "%s:%s"\n' "$ADMIN_USER" "$password" |
            curl --silent --max-time 30 --cacert "$(cluster_dir)/http_ca.crt" --config - \
                "https://127.0.0.1:${HTTP_PORT}${path}"
    elif command -v curl >/dev/null; then
        curl --silent --max-time 30 "http://127.0.0.1:${HTTP_PORT}${path}"
    else
        local response
        exec 3<>"/dev/tcp/127.0.0.1/${HTTP_PORT}" || return 1
        printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
        response="$(cat <&3)"
        exec 3<&-
        printf '%s' "${response#*$'\r\n\r\n'}"
    fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------------------------------------- security

# Makes the cluster's CA, a certificate for 127.0.0.1/localhost signed by it, and the admin password.
make_credentials() {
    local dir java
    dir="$(cluster_dir)"
    java="$1"
    mkdir -p "$dir/certs"
    ES_JAVA_HOME="$java" "$DIST/bin/elasticsearch-certutil" ca --pem --silent --out "$dir/certs/ca.zip"
    extract "$dir/certs/ca.zip" "$dir/certs"
    ES_JAVA_HOME="$java" "$DIST/bin/elasticsearch-certutil" cert --pem --silent --name node \
        --ca-cert "$dir/certs/ca/ca.crt" --ca-key "$dir/certs/ca/ca.key" \
        --ip 127.0.0.1 --dns localhost --out "$dir/certs/node.zip"
    extract "$dir/certs/node.zip" "$dir/certs"
    cp "$dir/certs/ca/ca.crt" "$dir/http_ca.crt"
    if [ -n "${MMRAG_ES_PASSWORD:-}" ]; then
        [[ "$MMRAG_ES_PASSWORD" != *$'\n'* ]] || die "MMRAG_ES_PASSWORD must be a single line"
        printf '%s' "$MMRAG_ES_PASSWORD" >"$dir/password"
    else
        head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$dir/password"
    fi
    chmod 600 "$dir/password"
}

admin_password() { cat "$(cluster_dir)/password"; }

security_config() {
    local layer
    echo "xpack.security.enabled: true"
    for layer in http transport; do
        echo "xpack.security.$layer.ssl.enabled: true"
        echo "xpack.security.$layer.ssl.key: certs/node/node.key"
        echo "xpack.security.$layer.ssl.certificate: certs/node/node.crt"
        echo "xpack.security.$layer.ssl.certificate_authorities: [certs/ca/ca.crt]"
    done
}

# ---------------------------------------------------------------------------------------------- nodes

write_config() {
    local i="$1" dir seeds="" masters="" j
    dir="$(node_dir "$i")"
    for ((j = 1; j <= NODES; j++)); do
        seeds+="${seeds:+, }\"127.0.0.1:$((TRANSPORT_PORT + j - 1))\""
        masters+="${masters:+, }\"$NAME-$j\""
    done
    {
        echo "cluster.name: $NAME"
        echo "node.name: $NAME-$i"
        echo "network.host: 127.0.0.1"
        echo "http.port: $((HTTP_PORT + i - 1))"
        echo "transport.port: $((TRANSPORT_PORT + i - 1))"
        echo "path.data: $dir/data"
        echo "path.logs: $dir/logs"
        echo "cluster.routing.allocation.disk.threshold_enabled: false"
        if [ "$NODES" -eq 1 ]; then
            echo "discovery.type: single-node"
        else
            echo "discovery.seed_hosts: [$seeds]"
            echo "cluster.initial_master_nodes: [$masters]"
        fi
        if [ "$SECURITY" = true ]; then
            security_config
        else
            echo "xpack.security.enabled: false"
        fi
    } >"$dir/config/elasticsearch.yml"
    printf -- '-Xms%s\n-Xmx%s\n' "$HEAP" "$HEAP" >"$dir/config/jvm.options.d/mmrag-heap.options"
}

prepare_node() {
    local i="$1" java="$2" dir
    dir="$(node_dir "$i")"
    rm -rf "$dir"
    cp -al "$DIST" "$dir" 2>/dev/null || cp -a "$DIST" "$dir"
    # The configuration is written to (keystore, users), so each node gets real copies, not hard links.
    rm -rf "$dir/config"
    cp -a "$DIST/config" "$dir/config"
    mkdir -p "$dir/data" "$dir/logs" "$dir/config/jvm.options.d"
    write_config "$i"
    if [ "$SECURITY" = true ]; then
        mkdir -p "$dir/config/certs/ca" "$dir/config/certs/node"
        cp "$(cluster_dir)/certs/ca/ca.crt" "$dir/config/certs/ca/"
        cp "$(cluster_dir)/certs/node/node.crt" "$(cluster_dir)/certs/node/node.key" "$dir/config/certs/node/"
        # Without -p, the tool reads the password (twice) from stdin: it stays off the command line, seen by ps.
        local output
        if ! output="$(printf '%s\n%s\n' "$(admin_password)" "$(admin_password)" | ES_JAVA_HOME="$java" \
                ES_PATH_CONF="$dir/config" "$dir/bin/elasticsearch-users" useradd "$ADMIN_USER" -r superuser 2>&1)"; then
            die "could not add user '$ADMIN_USER' to node $i: $output"
        fi
    fi
    if is_root; then
        chown -R "$RUN_USER:" "$dir"
        as_run_user test -w "$dir/data" || die "user '$RUN_USER' cannot write to $dir; set MMRAG_ES_BASE to a folder it can reach"
    fi
}

# Starts one prepared node in the background; returns when it has started (or failed to).
launch_node() {
    local i="$1" java="$2" dir
    dir="$(node_dir "$i")"
    as_run_user env -u JAVA_HOME ES_JAVA_HOME="$java" ES_PATH_CONF="$dir/config" \
        "$dir/bin/elasticsearch" -d -p "$dir/es.pid" </dev/null >"$dir/logs/console.log" 2>&1
}

print_logs() {
    local dir
    for dir in "$(cluster_dir)"/node-*; do
        [ -d "$dir" ] || continue
        log "---- tail of $dir/logs"
        tail -n 40 "$dir/logs/console.log" "$dir/logs/$NAME.log" >&2 2>/dev/null || true
    done
}

start() {
    local java i
    java="$(java_home)"
    stop_nodes
    for ((i = 1; i <= NODES; i++)); do
        if port_in_use "$((HTTP_PORT + i - 1))" || port_in_use "$((TRANSPORT_PORT + i - 1))"; then
            die "port $((HTTP_PORT + i - 1)) or $((TRANSPORT_PORT + i - 1)) on 127.0.0.1 is already in use; stop what runs there or choose --http-port/--transport-port"
        fi
    done
    unpack
    rm -rf "$(cluster_dir)"
    mkdir -p "$(cluster_dir)"
    if [ "$SECURITY" = true ]; then
        make_credentials "$java"
    fi
    for ((i = 1; i <= NODES; i++)); do
        prepare_node "$i" "$java"
    done
    log "starting cluster '$NAME': $NODES node(s), HTTP from 127.0.0.1:$HTTP_PORT, heap $HEAP, security $SECURITY, Java $java"
    local pids=() failed=0
    for ((i = 1; i <= NODES; i++)); do
        launch_node "$i" "$java" &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || { log "node $((i + 1)) failed to start"; failed=1; }
    done
    if [ "$failed" -ne 0 ]; then
        print_logs
        stop_nodes
        die "cluster '$NAME' did not start"
    fi
    if ! wait_healthy; then
        print_logs
        stop_nodes
        die "cluster '$NAME' was not healthy within ${START_TIMEOUT}s"
    fi
    log "cluster '$NAME' is up on 127.0.0.1:$HTTP_PORT$([ "$SECURITY" = true ] && echo " (https; CA $(cluster_dir)/http_ca.crt; user $ADMIN_USER, password in $(cluster_dir)/password)")"
}

wait_healthy() {
    local deadline=$((SECONDS + START_TIMEOUT)) body
    while [ "$SECONDS" -lt "$deadline" ]; do
        body="$(http_get "/_cluster/health?wait_for_nodes=${NODES}&wait_for_status=yellow&timeout=5s" 2>/dev/null || true)"
        if [[ "$body" == *'"timed_out":false'* ]]; then
            return 0
        fi
        sleep 1
    done
    return 1
}

# Stops every node of the cluster: SIGTERM, then SIGKILL after 30 seconds.
stop_nodes() {
    local dir pid waited
    for dir in "$(cluster_dir)"/node-*; do
        [ -s "$dir/es.pid" ] || continue
        pid="$(cat "$dir/es.pid")"
        if kill -0 "$pid" 2>/dev/null; then
            log "stopping node $(basename "$dir") of '$NAME' (pid $pid)"
            kill -TERM "$pid" 2>/dev/null || true
            waited=0
            while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 30 ]; do
                sleep 1
                waited=$((waited + 1))
            done
            kill -KILL "$pid" 2>/dev/null || true
        fi
        rm -f "$dir/es.pid"
    done
}

kill_node() {
    [[ "$NODE" =~ ^[1-9]$ ]] || die "kill needs --node 1 to 9"
    local file pid
    file="$(node_dir "$NODE")/es.pid"
    [ -s "$file" ] || die "node $NODE of cluster '$NAME' is not running (no $file)"
    pid="$(cat "$file")"
    log "killing node $NODE of '$NAME' (pid $pid) with SIGKILL"
    kill -KILL "$pid"
    rm -f "$file"
}

status() {
    [ -f "$(cluster_dir)/password" ] && SECURITY=true
    http_get "/_cluster/health?pretty" || die "nothing answers on 127.0.0.1:$HTTP_PORT"
}

main() {
    local command="${1:-}"
    [ $# -gt 0 ] && shift
    parse_options "$@"
    if [ "$command" = start ] && is_root; then
        ensure_run_user
    fi
    BASE_DIR="$(base_dir)"
    DIST="$BASE_DIR/dist/elasticsearch-${ES_VERSION}"
    case "$command" in
        fetch) fetch ;;
        start) start ;;
        stop) stop_nodes ;;
        kill) kill_node ;;
        status) status ;;
        logs) print_logs ;;
        dir) cluster_dir ;;
        *) usage ;;
    esac
}

main "$@"
