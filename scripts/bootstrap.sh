# Sourced by scripts/demo and scripts/test: installs what they need, idempotently.
# Debian packages only when a program is missing; the Python environment in .venv,
# reinstalled only when pyproject.toml changes.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${DECOMPOSE_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# ensure_debian PROGRAM=PACKAGE ...: apt-get install the packages whose program is missing
# (PROGRAM may be an absolute path: a file the package installs, such as an nginx module).
ensure_debian() {
    local missing=() pair program package
    for pair in "$@"; do
        program="${pair%%=*}"
        package="${pair#*=}"
        if [[ "$program" == /* ]]; then
            [[ -e "$program" ]] || missing+=("$package")
        elif ! command -v "$program" >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/"$program" >/dev/null 2>&1; then
            missing+=("$package")
        fi
    done
    if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        missing+=("python3-venv")
    fi
    if ((${#missing[@]})); then
        if [[ $(id -u) -ne 0 ]]; then
            echo "missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
            exit 1
        fi
        log "apt-get install ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    fi
}

# ensure_venv EXTRA: a virtualenv with decompose and decompose-runtime (runtime/, which
# decompose depends on and generated services import) installed editable, with the given extra.
ensure_venv() {
    local extra="$1" stamp
    if [[ ! -x "$VENV/bin/python" ]]; then
        log "creating $VENV"
        "$PYTHON" -m venv "$VENV"
    fi
    stamp="$VENV/.decompose-$extra-$(cat "$ROOT/pyproject.toml" "$ROOT/runtime/pyproject.toml" \
        | sha256sum | cut -c1-16)"
    if [[ ! -e "$stamp" ]]; then
        log "pip install -e runtime/ -e .[$extra]"
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT/runtime" \
            -e "$ROOT[$extra]"
        rm -f "$VENV"/.decompose-"$extra"-*
        # mypy's cache describes the packages it saw: stale after a reinstall (it can crash).
        rm -rf "$VENV/.mypy_cache"
        touch "$stamp"
    fi
    export PATH="$VENV/bin:$PATH" MYPY_CACHE_DIR="$VENV/.mypy_cache"
}

# find_python X.Y: an interpreter of that Python version on PATH, else one pyenv installed.
find_python() {
    local candidate
    for candidate in "$(command -v "python$1" || true)" \
            "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$1".*/bin/"python$1"; do
        if [[ -x "$candidate" ]] && "$candidate" -c '' 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
    echo "no Python $1 on this machine (python$1 on PATH, or installed by pyenv)" >&2
    return 1
}

# runtime_django_bounds: "DJANGO PYTHON" for the lowest Django series decompose-runtime
# supports on its lowest Python, then the highest on its highest (its classifiers).
runtime_django_bounds() {
    "$VENV/bin/python" - "$ROOT/runtime/pyproject.toml" <<'PY'
import sys, tomllib
classifiers = tomllib.load(open(sys.argv[1], "rb"))["project"]["classifiers"]
def series(prefix):
    found = [c.removeprefix(prefix) for c in classifiers if c.startswith(prefix)]
    return sorted((v for v in found if v.count(".") == 1 and v.replace(".", "").isdigit()),
                  key=lambda v: tuple(map(int, v.split("."))))
django, python = series("Framework :: Django :: "), series("Programming Language :: Python :: ")
print(django[0], python[0])
print(django[-1], python[-1])
PY
}

# ensure_runtime_venv DJANGO PYTHON: a uv virtualenv under .venv-runtime/ with decompose-runtime
# (editable) and its test extra on Django DJANGO.*, rebuilt only when runtime/pyproject.toml
# changes; prints its interpreter.
ensure_runtime_venv() {
    local django="$1" python="$2" folder stamp
    folder="$ROOT/.venv-runtime/django-$django"
    stamp="$folder/.decompose-$(sha256sum < "$ROOT/runtime/pyproject.toml" | cut -c1-16)"
    if [[ ! -e "$stamp" ]]; then
        log "uv venv: decompose-runtime on Django $django, Python $python"
        rm -rf "$folder"
        "$VENV/bin/uv" venv -q -p "$(find_python "$python")" "$folder"
        VIRTUAL_ENV="$folder" "$VENV/bin/uv" pip install -q -e "$ROOT/runtime[test]" \
            "django==$django.*"
        touch "$stamp"
    fi
    echo "$folder/bin/python"
}

# run_runtime_bounds: runtime/tests on the lowest and the highest Django of the runtime's range,
# both at once (most of their time is waiting: a broker booting, retries backing off); each
# one's output is printed when it ends, and any failure fails the run.
run_runtime_bounds() {
    local django python interpreter failed=0 series=() pids=() index
    while read -r django python; do
        interpreter="$(ensure_runtime_venv "$django" "$python")"
        "$interpreter" -m pytest "$ROOT/runtime" -q -p no:cacheprovider \
            >"$ROOT/.venv-runtime/django-$django.log" 2>&1 &
        series+=("$django") pids+=($!)
    done < <(runtime_django_bounds)
    for index in "${!pids[@]}"; do
        wait "${pids[$index]}" || failed=1
        log "  Django ${series[$index]}"
        cat "$ROOT/.venv-runtime/django-${series[$index]}.log"
    done
    return "$failed"
}

# nginx's credential-exchange cache is keyed by a hash njs computes (decompose_auth.js).
NGINX_NJS="/usr/lib/nginx/modules/ngx_http_js_module.so=libnginx-mod-http-js"

# The Kubernetes targets of `decompose proxy` validate against the published CRD schemas
# through a small pinned Node project (installed only when its lock file changed).
ensure_schema_validator() {
    local project="$ROOT/strangler/backends/k8s_schema"
    if [[ ! -d "$project/node_modules" || "$project/package-lock.json" -nt "$project/node_modules" ]]; then
        log "npm ci (Kubernetes schema validators)"
        npm ci --prefix "$project" --no-audit --no-fund --silent
        touch "$project/node_modules"
    fi
}
