#!/usr/bin/python3
"""Records CPython's pickletools.genops output for every pickle the disassembler is tested against.

Inputs: every file in ../shared/corpus/picklescan/manifest.tsv (zip members via zipfile, the pickle of
.npy files after their header; 7z and encrypted members are skipped) and every file in
the project fixtures (FIXTURE_DIRS). Output: test/data/pickletools/genops.json, one entry per input:
  {"source": "corpus"|"fixtures", "file": path, "member": name|null,
   "data": {"offset": n, "length": n, "method": 0|8},   # where the pickle bytes are in the file
   "pickles": [{"start": n, "ops": [[offset, name, arg], ...], "end": n|null,
                "error": {"pos": n, "message": str}|null, "opsCut": bool}]}
Args are normalized: int -> decimal string, bool -> "True"/"False", str -> first 200 chars,
bytes -> {"hex": first 64 bytes, "len": n}, float -> repr, None -> null.
Pickles follow each other while bytes remain and the next byte is an opcode (as analyzePickleStream).
Run with Debian's /usr/bin/python3 (stdlib only): /usr/bin/python3 scripts/gen-pickletools-data.py
"""
import io
import json
import os
import pickletools
import struct
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus", "picklescan")
# Project fixtures, relative to the repository root: crafted pickles, files written by the real
# libraries, and the shipped examples.
FIXTURE_DIRS = ["test/fixtures/pickle", "test/fixtures/real", "examples/benign", "examples/malicious"]
OUT = os.path.join(ROOT, "test", "data", "pickletools", "genops.json")
MAX_OPS = 3000
OPCODE_BYTES = {op.code.encode("latin-1")[0] for op in pickletools.opcodes}


def norm(arg):
    if arg is None:
        return None
    if isinstance(arg, bool):
        return "True" if arg else "False"
    if isinstance(arg, int):
        return str(arg)
    if isinstance(arg, float):
        return repr(arg)
    if isinstance(arg, str):
        return arg[:200]
    if isinstance(arg, (bytes, bytearray)):
        return {"hex": bytes(arg[:64]).hex(), "len": len(arg)}
    raise TypeError(type(arg))


def walk(data):
    pickles = []
    pos = 0
    while pos < len(data):
        f = io.BytesIO(data)
        f.seek(pos)
        entry = {"start": pos, "ops": [], "end": None, "error": None, "opsCut": False}
        gen = pickletools.genops(f)
        while True:
            at = f.tell()
            try:
                op, arg, opos = next(gen)
            except StopIteration:
                break
            except Exception as e:  # noqa: BLE001 - any genops failure is data here
                entry["error"] = {"pos": at, "message": str(e)[:200]}
                break
            if len(entry["ops"]) < MAX_OPS:
                entry["ops"].append([opos, op.name, norm(arg)])
            else:
                entry["opsCut"] = True
            if op.name == "STOP":
                entry["end"] = f.tell()
        pickles.append(entry)
        if entry["error"] is not None or entry["end"] is None:
            break
        pos = entry["end"]
        if pos >= len(data) or data[pos] not in OPCODE_BYTES:
            break
    return pickles


def npy_offset(data):
    if not data.startswith(b"\x93NUMPY") or len(data) < 12:
        return None
    major = data[6]
    if major == 1:
        return 10 + struct.unpack("<H", data[8:10])[0]
    return 12 + struct.unpack("<I", data[8:12])[0]


def inputs():
    manifest = os.path.join(CORPUS, "manifest.tsv")
    if os.path.exists(manifest):
        with open(manifest) as fh:
            for line in fh.read().splitlines()[1:]:
                rel = line.split("\t")[0]
                yield "corpus", rel, os.path.join(CORPUS, rel)
    else:
        print(f"corpus not found at {CORPUS}: only fixtures recorded", file=sys.stderr)
    for folder in FIXTURE_DIRS:
        for name in sorted(os.listdir(os.path.join(ROOT, folder))):
            rel = f"{folder}/{name}"
            if not name.endswith((".md", ".tsv")):
                yield "fixtures", rel, os.path.join(ROOT, rel)


def main():
    out = []
    for source, rel, path in inputs():
        with open(path, "rb") as fh:
            raw = fh.read()
        if raw[:4] == b"PK\x03\x04" or zipfile.is_zipfile(path):
            try:
                zf = zipfile.ZipFile(path)
                infos = zf.infolist()
            except Exception as e:  # noqa: BLE001
                print(f"skip {rel}: {e}", file=sys.stderr)
                continue
            for info in infos:
                if info.flag_bits & 1 or info.compress_type not in (0, 8):
                    print(f"skip {rel}:{info.filename}: encrypted or method {info.compress_type}", file=sys.stderr)
                    continue
                try:
                    member = zf.read(info)
                except Exception as e:  # noqa: BLE001
                    print(f"skip {rel}:{info.filename}: {e}", file=sys.stderr)
                    continue
                start = 0
                if member.startswith(b"\x93NUMPY"):
                    start = npy_offset(member) or 0
                elif not (member[:1] == b"\x80" or info.filename.endswith((".pkl", ".pickle"))):
                    continue
                hdr = raw[info.header_offset : info.header_offset + 30]
                n, m = struct.unpack("<HH", hdr[26:30])
                offset = info.header_offset + 30 + n + m
                out.append({
                    "source": source, "file": rel, "member": info.filename,
                    "data": {"offset": offset, "length": info.compress_size, "method": info.compress_type,
                             "start": start},
                    "pickles": walk(member[start:]),
                })
            continue
        if raw[:6] == b"7z\xbc\xaf\x27\x1c":
            print(f"skip {rel}: 7z archive (no stdlib reader)", file=sys.stderr)
            continue
        if raw[:2] in (b"\x1f\x8b", b"BZ") or raw[:6] == b"\xfd7zXZ\x00" or raw[:1] in (b"\x78", b"\x5d"):
            print(f"skip {rel}: compressed (the scan tests cover its content)", file=sys.stderr)
            continue
        start = npy_offset(raw) or 0
        out.append({
            "source": source, "file": rel, "member": None,
            "data": {"offset": 0, "length": len(raw), "method": 0, "start": start},
            "pickles": walk(raw[start:]),
        })
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump({"python": sys.version.split()[0], "inputs": out}, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {len(out)} inputs to {OUT}")


if __name__ == "__main__":
    main()
