# Shared setup for the project's commands: sourced, never run directly.
#
# Everything here is idempotent: each step checks what is already there and only
# does the missing work, so `make serve` and `make test` are cheap the second time.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-$HOME/.local/src/odoo-18.0}"
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
VENV="${VENV:-$REPO_ROOT/.venv}"
# Where the config, logs and scratch files go; a run of its own may set another.
VAR_DIR="${VAR_DIR:-$REPO_ROOT/var}"
ODOO_CONF="$VAR_DIR/odoo.conf"
ADDON=collection_queues
# Every addon of the repository: the main one and its bridges.
ADDONS="collection_queues collection_queues_sale collection_queues_fieldservice collection_queues_helpdesk collection_queues_repair"
ADDONS_CSV="${ADDONS// /,}"
# The bridge to OCA's job queue: tested in a database of its own, so that the
# others are tested as they run without a job queue.
JOB_ADDONS="collection_queues_queue_job"
ALL_ADDONS="$ADDONS $JOB_ADDONS"
# What the cached database holds: Odoo's apps the addons build on.
CACHE_MODULES="account,mail,sale,repair,fieldservice,helpdesk_mgmt"
DB_USER="$(id -un)"
export TZ=UTC PGHOST="${PGHOST:-/var/run/postgresql}"

APT_PACKAGES=(postgresql libpq-dev libldap2-dev libsasl2-dev build-essential python3-dev python3-venv wkhtmltopdf chromium)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_odoo_source() {
    if [ -f "$ODOO_SRC/odoo/release.py" ]; then
        return
    fi
    if [ ! -e "$ODOO_SRC" ] && command -v git >/dev/null; then
        log "Odoo 18.0 not found at $ODOO_SRC: trying a shallow clone of $ODOO_GIT_URL"
        if timeout 600 git clone --quiet --depth 1 --branch 18.0 "$ODOO_GIT_URL" "$ODOO_SRC" 2>/dev/null; then
            return
        fi
        rm -rf "$ODOO_SRC"
    fi
    die "Odoo 18.0 source not found: looked for $ODOO_SRC/odoo/release.py.
Put the Odoo 18.0 Community source there (a git checkout of branch 18.0 or the
18.0 nightly sdist), or point ODOO_SRC at the folder that contains odoo/release.py:
    ODOO_SRC=/path/to/odoo-18.0 make test"
}

ensure_apt_packages() {
    local missing=()
    for pkg in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "Installing Debian packages: ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

ensure_postgres() {
    if ! pg_isready -q -h "$PGHOST"; then
        log "Starting PostgreSQL"
        local cluster
        cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
        [ -n "$cluster" ] || die "no PostgreSQL cluster found (pg_lsclusters is empty)"
        # shellcheck disable=SC2086
        as_root pg_ctlcluster $cluster start
        for _ in $(seq 30); do pg_isready -q -h "$PGHOST" && break; sleep 1; done
        pg_isready -q -h "$PGHOST" || die "PostgreSQL did not start"
    fi
    if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1; then
        log "Creating PostgreSQL role $DB_USER"
        as_root su postgres -c "createuser --superuser '$DB_USER'"
    fi
}

ensure_venv() {
    local stamp="$VENV/.requirements.sha1" want
    want=$(cat "$ODOO_SRC/requirements.txt" "$REPO_ROOT/requirements-dev.txt" \
        "$REPO_ROOT/test-requirements.txt" "$REPO_ROOT/oca-requirements.txt" \
        | sha1sum | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return
    fi
    log "Preparing the virtualenv $VENV (Odoo's requirements and the project's)"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    local pip=("$VENV/bin/python" -m pip --quiet --disable-pip-version-check)
    "${pip[@]}" install --upgrade "pip>=24" wheel "setuptools<81" "setuptools_scm<8"
    # cbor2 5.4.2 only builds with an older setuptools: build it against the venv's own.
    "${pip[@]}" install --no-build-isolation "cbor2==5.4.2"
    "${pip[@]}" install -r "$ODOO_SRC/requirements.txt" -r "$REPO_ROOT/requirements-dev.txt"
    "${pip[@]}" install --no-deps -r "$REPO_ROOT/oca-requirements.txt"
    echo "$want" >"$stamp"
}

# Where the OCA wheels put their addons: odoo/addons of the virtualenv.
oca_addons_dir() {
    echo "$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/odoo/addons"
}

write_odoo_conf() {
    mkdir -p "$VAR_DIR"
    cat >"$ODOO_CONF" <<EOF
[options]
addons_path = $ODOO_SRC/odoo/addons,$(oca_addons_dir),$REPO_ROOT
db_host = False
db_port = False
db_user = $DB_USER
db_password = False
http_interface = 127.0.0.1
http_port = ${ODOO_HTTP_PORT:-8069}
list_db = False
log_level = info
max_cron_threads = 1
EOF
}

# prettier and its XML plugin (package.json, pinned by package-lock.json), for the
# OCA's formatting of the addons' XML.
ensure_node_tools() {
    local stamp="$REPO_ROOT/node_modules/.package-lock.sha1" want
    if ! command -v npm >/dev/null; then
        log "Installing Node.js and npm (Debian packages)"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
    fi
    want=$(sha1sum "$REPO_ROOT/package-lock.json" | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        log "Installing prettier (npm ci)"
        (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error) >&2
        echo "$want" >"$stamp"
    fi
}

setup() {
    ensure_odoo_source
    ensure_apt_packages
    ensure_postgres
    ensure_venv
    write_odoo_conf
}

# Odoo's own launcher (odoo-bin in a git checkout, setup/odoo in a source
# release), not `python -m odoo`: in workers mode the server starts its gevent
# process again with the script it was started with.
odoo_bin() {
    if [ -f "$ODOO_SRC/odoo-bin" ]; then echo "$ODOO_SRC/odoo-bin"; else echo "$ODOO_SRC/setup/odoo"; fi
}

odoo() {
    PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}" "$VENV/bin/python" "$(odoo_bin)" -c "$ODOO_CONF" "$@"
}

db_exists() {
    [ "$(psql -d postgres -tAc "select 1 from pg_database where datname = '$1'")" = 1 ]
}

filestore_dir() {
    echo "${XDG_DATA_HOME:-$HOME/.local/share}/Odoo/filestore/$1"
}

drop_db() {
    if db_exists "$1"; then
        dropdb --if-exists "$1"
    fi
    rm -rf "$(filestore_dir "$1")"
}

# A database with Odoo's accounting and sales (and demo data) already installed, built once per
# Odoo source and reused as a template, so that every run starts from a fresh copy in
# about a second instead of reinstalling `account`.
ensure_cache_db() {
    local key name
    key=$( (cat "$ODOO_SRC/odoo/release.py" "$ODOO_SRC/requirements.txt"; echo "$CACHE_MODULES") | sha1sum | cut -c1-10)
    name="cq_cache_${key}"
    if ! db_exists "$name"; then
        log "Building the cached database $name ($CACHE_MODULES; a few minutes, once)"
        drop_db "${name}_tmp"
        odoo -d "${name}_tmp" -i "$CACHE_MODULES" --stop-after-init --logfile="$VAR_DIR/cache_db.log" \
            || die "installing account failed; see $VAR_DIR/cache_db.log"
        psql -d postgres -qc "alter database \"${name}_tmp\" rename to \"$name\""
        mv "$(filestore_dir "${name}_tmp")" "$(filestore_dir "$name")" 2>/dev/null || true
    fi
    echo "$name"
}

# The translation template of an addon installed in a database.
export_pot() {
    local db="$1" addon="$2" target="$3"
    mkdir -p "$(dirname "$target")"
    odoo -d "$db" --i18n-export="$target" --modules="$addon" --stop-after-init \
        --logfile="$VAR_DIR/pot_export.log" || die "exporting $addon's terms failed"
}

# Whether two .pot files hold the same terms (their dates aside).
same_pot() {
    diff -q <(grep -v -e '^"POT-Creation-Date:' -e '^"PO-Revision-Date:' "$1") \
        <(grep -v -e '^"POT-Creation-Date:' -e '^"PO-Revision-Date:' "$2") >/dev/null
}

clone_db() {
    local template="$1" target="$2"
    drop_db "$target"
    createdb -T "$template" "$target"
    if [ -d "$(filestore_dir "$template")" ]; then
        mkdir -p "$(dirname "$(filestore_dir "$target")")"
        cp -a "$(filestore_dir "$template")" "$(filestore_dir "$target")"
    fi
}
