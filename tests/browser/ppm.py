"""Counts the pixels of a PPM (P6) image near each named colour, with the standard
library only: python3 ppm.py FILE TOLERANCE NAME=RRGGBB... prints `NAME=COUNT ...`."""
import sys

path, tolerance, named = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
data = open(path, "rb").read()
fields, pos = [], 0
while len(fields) < 4:  # magic, width, height, maxval, skipping comments
    while data[pos:pos + 1].isspace():
        pos += 1
    if data[pos:pos + 1] == b"#":
        pos = data.index(b"\n", pos)
        continue
    end = pos
    while not data[end:end + 1].isspace():
        end += 1
    fields.append(data[pos:end])
    pos = end
pixels = data[pos + 1:]
colours = {}
for item in named:
    name, hex_colour = item.split("=")
    colours[name] = tuple(bytes.fromhex(hex_colour))
counts = dict.fromkeys(colours, 0)
for i in range(0, len(pixels) - 2, 3):
    p = pixels[i:i + 3]
    for name, c in colours.items():
        if all(abs(a - b) < tolerance for a, b in zip(p, c)):
            counts[name] += 1
print(" ".join(f"{name}={n}" for name, n in counts.items()))
