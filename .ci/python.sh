#!/usr/bin/env bash
# CI for the Python bindings (python/): from a fresh virtual environment, `pip install ./python`
# (the whole installation), import, the pytest suite (parity with the crate, papers' reference
# values, hostile inputs, Hypothesis properties), the benchmark script (printed, not asserted),
# and docs/python.ipynb executed headlessly with the python3 kernel (fails on any error output).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
venv="$work/venv"

echo "== python: fresh venv, pip install ./python"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet ./python pytest hypothesis pandas numpy scipy nbconvert nbclient ipykernel

echo "== python: import from outside the source tree"
(cd "$work" && "$venv/bin/python" -c "import isoflop; print('isoflop', isoflop.__version__, isoflop.__file__)")

echo "== python: pytest"
# Exit status 5 (no tests collected) fails this script like any other failure.
(cd "$work" && "$venv/bin/python" -m pytest "$root/python/tests" -q -p no:cacheprovider)

echo "== python: benchmark (printed, not asserted)"
(cd "$work" && "$venv/bin/python" "$root/python/bench.py")

echo "== python: docs/python.ipynb, executed headlessly"
"$venv/bin/jupyter" nbconvert --to notebook --execute \
    --ExecutePreprocessor.kernel_name=python3 \
    --ExecutePreprocessor.timeout=600 \
    --output-dir "$work" --output executed.ipynb docs/python.ipynb
"$venv/bin/python" - "$work/executed.ipynb" <<'PY'
import json, sys

nb = json.load(open(sys.argv[1]))
problems, code_cells = [], 0
for i, cell in enumerate(nb["cells"]):
    if cell["cell_type"] != "code":
        continue
    code_cells += 1
    for out in cell.get("outputs", []):
        if out["output_type"] == "error":
            problems.append(f"cell {i}: {out['ename']}: {out['evalue']}")
        elif out["output_type"] == "stream" and out["name"] == "stderr":
            text = "".join(out["text"])
            if "Traceback" in text or "panicked at" in text or "Error" in text:
                problems.append(f"cell {i}: stderr: {text[:300]}")
    if not cell.get("outputs") and cell["source"].strip():
        problems.append(f"cell {i}: no output")
assert code_cells >= 10, code_cells
if problems:
    sys.exit("notebook failed:\n" + "\n".join(problems))
print(f"docs/python.ipynb: {code_cells} code cells, no errors")
PY
