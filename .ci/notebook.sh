#!/usr/bin/env bash
# Executes the docs notebook headlessly with the evcxr Jupyter kernel and fails
# if any cell errors or panics (a panic in a cell does not fail nbconvert: it
# only prints to the cell's stderr, so the executed notebook is scanned).
#
#   bash .ci/notebook.sh                 # run docs/llama_rant.ipynb, leave it unchanged
#   UPDATE=1 bash .ci/notebook.sh        # ... and store the executed outputs in it
#   bash .ci/notebook.sh path/to/other.ipynb
#
# Installs what is missing: evcxr_jupyter (cargo install, ~10 minutes cold),
# its kernel spec, and jupyter + nbconvert (pip).
set -euo pipefail
cd "$(dirname "$0")/.."
NB="${1:-docs/llama_rant.ipynb}"
export PATH="$HOME/.cargo/bin:$PATH"
# evcxr builds the notebook's crate in its own folder; an inherited target dir
# would be shared with (and lock against) other builds.
unset CARGO_TARGET_DIR

start=$(date +%s)
if ! command -v evcxr_jupyter >/dev/null 2>&1; then
    echo "== installing evcxr_jupyter (cargo install --locked, about 10 minutes)"
    cargo install --locked evcxr_jupyter
fi
if ! python3 -c "import nbconvert, nbclient, ipykernel, jupyter_client" >/dev/null 2>&1; then
    echo "== installing jupyter and nbconvert"
    python3 -m pip install --quiet jupyter nbconvert nbclient ipykernel
fi
if ! jupyter kernelspec list 2>/dev/null | grep -qE '^\s*rust\s'; then
    echo "== registering the evcxr kernel"
    evcxr_jupyter --install
fi

out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT
echo "== executing $NB"
jupyter nbconvert --to notebook --execute \
    --ExecutePreprocessor.kernel_name=rust \
    --ExecutePreprocessor.timeout=900 \
    --output-dir "$out_dir" --output executed.ipynb "$NB"

echo "== scanning outputs for errors and panics"
python3 - "$out_dir/executed.ipynb" <<'PY'
import json, re, sys

nb = json.load(open(sys.argv[1]))
problems = []
code_cells = 0
for i, cell in enumerate(nb["cells"]):
    if cell["cell_type"] != "code":
        continue
    code_cells += 1
    if cell.get("execution_count") is None and "".join(cell.get("source", "")).strip():
        problems.append(f"cell {i}: not executed")
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            problems.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
        texts = [out.get("text", "")]
        texts += list(out.get("data", {}).values())
        blob = "".join("".join(t) if isinstance(t, list) else str(t) for t in texts)
        if "panicked at" in blob:
            problems.append(f"cell {i}: panicked: {blob.strip()[:300]}")
        # evcxr falls back to Debug when `(expr).evcxr_display()` does not compile
        # (e.g. the last expression moves a variable of the same cell): the rich
        # display is lost silently, so a Debug-looking result is an error.
        data = out.get("data", {})
        if out.get("output_type") == "execute_result" and list(data) == ["text/plain"]:
            plain = "".join(data["text/plain"])
            if re.match(r"^[A-Z][A-Za-z0-9_]* \{", plain):
                problems.append(f"cell {i}: shown with Debug, not evcxr_display: {plain[:120]}")
        # A `?` that returns an error from a cell prints "Error: ..." to stderr.
        if out.get("name") == "stderr" and re.search(r"^(Error|error)\b", blob, re.M):
            problems.append(f"cell {i}: stderr: {blob.strip()[:300]}")
if code_cells == 0:
    problems.append("the notebook has no code cells")
if problems:
    print("notebook FAILED:")
    print("\n".join(problems))
    sys.exit(1)
print(f"notebook ok: {code_cells} code cells executed without errors or panics")
PY

if [ "${UPDATE:-0}" = "1" ]; then
    cp "$out_dir/executed.ipynb" "$NB"
    echo "== stored the executed outputs in $NB"
fi
echo "== notebook done in $(( $(date +%s) - start )) s"
