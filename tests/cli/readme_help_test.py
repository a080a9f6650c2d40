#!/usr/bin/env python3
"""The README's `polyrep extract --help` excerpt is what --help prints: every option line of the
excerpt (flag, type, default) appears in the real output, and its description starts the same.

usage: readme_help_test.py POLYREP README
"""
import re
import subprocess
import sys

polyrep, readme = sys.argv[1:3]
text = open(readme, encoding="utf-8").read()
start = text.index("`polyrep extract --help` (excerpt):")
block = text[start:].split("```")[1]
help_text = subprocess.run([polyrep, "extract", "--help"], capture_output=True, text=True, check=True).stdout
help_lines = [re.sub(r"\s+", " ", line.strip()) for line in help_text.splitlines()]
help_flat = " ".join(help_lines)
bad = 0
for line in block.strip("\n").splitlines():
    if not line.strip().startswith("--"):
        continue
    parts = re.split(r"\s{2,}", line.strip(), maxsplit=1)
    if parts[0] not in help_flat:
        print(f"FAIL: README option '{parts[0]}' is not in polyrep extract --help")
        bad += 1
    if len(parts) > 1 and re.sub(r"\s+", " ", parts[1][:40]) not in help_flat:
        print(f"FAIL: README description '{parts[1][:40]}' of {parts[0]} differs from --help")
        bad += 1
print(f"{'FAIL' if bad else 'ok'}: README extract --help excerpt checked against the binary")
sys.exit(1 if bad else 0)
