#!/usr/bin/env bash
# Our classifier and ML.NET's standard text classifier (../shared/peers/mlnet-intents: FeaturizeText + SDCA, all
# defaults) trained on the same dialogs/intents files and scored on the same held-out sets, in one run.
# Usage: bench/language/mlnet-side-by-side.sh [PEER_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
peer="${1:-../shared/peers/mlnet-intents}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
python3 - "$out" <<'PY'
import json, sys, glob, os, yaml
out = sys.argv[1]
with open(os.path.join(out, "train.jsonl"), "w", encoding="utf-8") as f:
    for path in sorted(glob.glob("dialogs/intents/*.yml")):
        if os.path.basename(path) == "test.yml":
            continue
        d = yaml.safe_load(open(path, encoding="utf-8"))
        for e in d["examples"]:
            f.write(json.dumps({"text": str(e), "intent": d["intent"]}, ensure_ascii=False) + "\n")
for name, path in [("test", "dialogs/intents/test.yml"), ("realistic-a", "dialogs/eval/realistic-a.yml"), ("realistic-b", "dialogs/eval/realistic-b.yml"), ("realistic-c", "dialogs/eval/realistic-c.yml"), ("realistic-d", "dialogs/eval/realistic-d.yml"), ("realistic-e", "dialogs/eval/realistic-e.yml"), ("realistic-f", "dialogs/eval/realistic-f.yml"), ("realistic-g", "dialogs/eval/realistic-g.yml"), ("realistic-h", "dialogs/eval/realistic-h.yml"), ("realistic-i", "dialogs/eval/realistic-i.yml"), ("realistic-j", "dialogs/eval/realistic-j.yml"), ("realistic-k", "dialogs/eval/realistic-k.yml"), ("realistic-l", "dialogs/eval/realistic-l.yml"), ("realistic-m", "dialogs/eval/realistic-m.yml")]:
    d = yaml.safe_load(open(path, encoding="utf-8"))
    with open(os.path.join(out, name + ".jsonl"), "w", encoding="utf-8") as f:
        for c in d["cases"]:
            f.write(json.dumps({"text": str(c["text"]), "intent": c["intent"]}, ensure_ascii=False) + "\n")
PY
echo "== ours"
dotnet run -c Release --project bench/Messaging.Bench -- eval
dotnet build -c Release "$peer" -v q -nologo 2>&1 | grep -E " error |Warn|warn" || true
for set in test realistic-a realistic-b realistic-c realistic-d realistic-e realistic-f realistic-g realistic-h realistic-i realistic-j realistic-k realistic-l realistic-m; do
  for fold in "" "--fold-diacritics"; do
    echo "== ML.NET ${fold:-out of the box} on $set"
    dotnet "$peer/bin/Release/net10.0/MlnetIntents.dll" train-eval --train "$out/train.jsonl" --test "$out/$set.jsonl" $fold --min-predictions 2000 | tail -1
  done
done
