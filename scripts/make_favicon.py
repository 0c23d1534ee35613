"""Draw chainboard's favicon: two white chain links on the brand red (--brand in chainboard.css).

Writes src/chainboard/static/favicon.svg and favicon.ico (16, 32 and 48 px) from one geometry,
so both stay the same picture. Run once after changing the design and commit both files:

    .venv/bin/python scripts/make_favicon.py

Needs Pillow (a dependency of the PDF/chart stack already in the venv).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parents[1] / "src" / "chainboard" / "static"
BRAND = "#b91c1c"
SIZE = 64  # design grid; the links are two rounded rectangles, rotated by the viewBox transform
LINKS = [(10, 22, 38, 42), (26, 22, 54, 42)]  # x0, y0, x1, y1 of each link on the grid
STROKE = 7
RADIUS = 10


def svg() -> str:
    rects = "".join(
        f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="{RADIUS}" '
        f'fill="none" stroke="#fff" stroke-width="{STROKE}"/>'
        for x0, y0, x1, y1 in LINKS
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}">'
        f'<rect width="{SIZE}" height="{SIZE}" rx="12" fill="{BRAND}"/>'
        f'<g transform="rotate(-35 32 32)">{rects}</g></svg>\n'
    )


def bitmap(px: int) -> Image.Image:
    scale = 8  # draw large, then downsample for smooth edges
    big = SIZE * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=12 * scale, fill=BRAND)
    links = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    link_draw = ImageDraw.Draw(links)
    for x0, y0, x1, y1 in LINKS:
        half = STROKE * scale // 2
        link_draw.rounded_rectangle(
            (x0 * scale - half, y0 * scale - half, x1 * scale + half, y1 * scale + half),
            radius=RADIUS * scale + half,
            outline="#fff",
            width=STROKE * scale,
        )
    links = links.rotate(35, resample=Image.Resampling.BICUBIC, center=(big / 2, big / 2))
    image.alpha_composite(links)
    return image.resize((px, px), Image.Resampling.LANCZOS)


def main() -> None:
    (STATIC / "favicon.svg").write_text(svg(), encoding="utf-8")
    bitmap(48).save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
