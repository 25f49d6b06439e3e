"""Snakemake script of rule `rulegraph`: the picture of the workflow's rules for README.md.

It runs `snakemake --rulegraph`, reads the rules and edges of the DOT it prints, lays them out in
rows (data flows from top to bottom) and writes a plain SVG. Graphviz is not needed: it is not a
Python package, and the graph is small enough for the few steps of layout below (a simple
Sugiyama layout: rows, ordering, positions). Same rules, same bytes: nothing depends on the time,
the machine or the order in which Snakemake lists the rules.
"""

import colorsys
import re
import subprocess
import sys
from collections import defaultdict
from html import escape

# Geometry, in SVG pixels. Labels are set in a monospace font so that their width is known here.
FONT_SIZE = 13
CHAR_WIDTH = 0.6 * FONT_SIZE  # advance of one character of DejaVu Sans Mono and its kind
BOX_HEIGHT = 30
BOX_PADDING = 12  # left and right of a label
H_GAP = 24  # between neighbouring boxes of a row
V_GAP = 46  # between rows
MARGIN = 8
WAYPOINT_WIDTH = 8  # the room an edge takes where it crosses a row
SWEEPS = 24  # passes of the ordering and placing heuristics; more change nothing at this size

NODE = re.compile(r'^\s*(\d+)\[label = "([^"]+)", color = "([\d.]+) ([\d.]+) ([\d.]+)"', re.M)
EDGE = re.compile(r"^\s*(\d+) -> (\d+)", re.M)


def rulegraph_dot(log) -> str:
    """What `snakemake --rulegraph` prints for the default target (its messages go to `log`)."""
    command = [sys.executable, "-m", "snakemake", "--rulegraph", "dot", "--nolock", "--quiet"]
    return subprocess.run(command, stdout=subprocess.PIPE, stderr=log, text=True, check=True).stdout


def parse_dot(dot: str) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """Rule name -> outline colour (the one Snakemake chose), and the edges between rule names."""
    names, colours = {}, {}
    for node_id, label, hue, saturation, value in NODE.findall(dot):
        names[node_id] = label
        rgb = colorsys.hsv_to_rgb(float(hue), float(saturation), float(value))
        colours[label] = "#" + "".join(f"{round(c * 255):02x}" for c in rgb)
    edges = {(names[a], names[b]) for a, b in EDGE.findall(dot)}
    if not colours or not edges:
        raise ValueError(f"no rules or no edges in the output of `snakemake --rulegraph`:\n{dot}")
    return colours, edges


def assign_rows(nodes: list[str], edges: set[tuple[str, str]]) -> dict[str, int]:
    """Row of each rule: one below the lowest rule it reads from. A rule that reads nothing from
    other rules sits just above the first rule that reads its output, not at the top."""
    parents, children = defaultdict(list), defaultdict(list)
    for a, b in edges:
        parents[b].append(a)
        children[a].append(b)
    row: dict[str, int] = {}

    def depth(node: str) -> int:
        if node not in row:
            row[node] = 1 + max((depth(p) for p in parents[node]), default=-1)
        return row[node]

    for node in nodes:
        depth(node)
    for node in nodes:
        if not parents[node] and children[node]:
            row[node] = min(row[c] for c in children[node]) - 1
    return row


def route(nodes, edges, row):
    """The rows, top to bottom, each a list of rules and waypoints; each edge's path; and the
    pieces of edge between adjacent rows.

    An edge that spans several rows gets a waypoint in each row it crosses, so that it is routed
    between the boxes there rather than through them.
    """
    rows = defaultdict(list)
    for node in nodes:
        rows[row[node]].append(node)
    paths, links = {}, []
    for a, b in sorted(edges):
        waypoints = [f"{a}->{b}#{i}" for i in range(row[a] + 1, row[b])]
        for i, waypoint in enumerate(waypoints, start=row[a] + 1):
            rows[i].append(waypoint)
        paths[(a, b)] = [a, *waypoints, b]
        links += zip(paths[(a, b)], paths[(a, b)][1:], strict=False)
    return [rows[i] for i in range(max(rows) + 1)], paths, links


def neighbours(links) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    above, below = defaultdict(list), defaultdict(list)
    for a, b in links:
        below[a].append(b)
        above[b].append(a)
    return above, below


def order(rows, links) -> None:
    """Order each row to avoid crossings (barycentre heuristic): sort it by the mean position of
    each node's neighbours in the row above, then, on the way back up, in the row below."""
    above, below = neighbours(links)
    for sweep in range(SWEEPS):
        downward = sweep % 2 == 0
        for i in range(1, len(rows)) if downward else range(len(rows) - 2, -1, -1):
            reference = {node: k for k, node in enumerate(rows[i - 1 if downward else i + 1])}
            links_to = above if downward else below
            current = {node: k for k, node in enumerate(rows[i])}

            def key(node, reference=reference, links_to=links_to, current=current):
                placed = [reference[n] for n in links_to[node]]
                return (sum(placed) / len(placed) if placed else current[node], current[node])

            rows[i].sort(key=key)


def place(rows, links, width) -> dict[str, float]:
    """x of each node's centre: as near as the row allows to the mean x of its neighbours."""
    above, below = neighbours(links)

    def gap(a: str, b: str) -> float:
        both_boxes = "#" not in a + b
        return (width(a) + width(b)) / 2 + (H_GAP if both_boxes else H_GAP / 2)

    x = {}
    for row in rows:  # start packed from the left
        for k, node in enumerate(row):
            x[node] = x[row[k - 1]] + gap(row[k - 1], node) if k else 0.0
    for _ in range(SWEEPS):
        for row in rows:
            wanted = [
                sum(x[n] for n in above[v] + below[v]) / len(above[v] + below[v]) for v in row
            ]
            # The positions nearest the wanted ones that keep the order and the gaps: push right
            # from the left, push left from the right, and take the mean of the two.
            left, right = wanted[:], wanted[:]
            for k in range(1, len(row)):
                left[k] = max(left[k], left[k - 1] + gap(row[k - 1], row[k]))
            for k in range(len(row) - 2, -1, -1):
                right[k] = min(right[k], right[k + 1] - gap(row[k], row[k + 1]))
            for k, node in enumerate(row):
                x[node] = (left[k] + right[k]) / 2
    shift = MARGIN - min(x[node] - width(node) / 2 for node in x)
    return {node: value + shift for node, value in x.items()}


def number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def draw(colours: dict[str, str], edges: set[tuple[str, str]]) -> str:
    """The rule graph as an SVG document."""
    nodes = sorted(colours)
    rows, paths, links = route(nodes, edges, assign_rows(nodes, edges))
    order(rows, links)

    def width(node: str) -> float:
        return len(node) * CHAR_WIDTH + 2 * BOX_PADDING if node in colours else WAYPOINT_WIDTH

    x = place(rows, links, width)
    centre = {
        node: (x[node], MARGIN + i * (BOX_HEIGHT + V_GAP) + BOX_HEIGHT / 2)
        for i, row in enumerate(rows)
        for node in row
    }
    total_width = number(max(x[node] + width(node) / 2 for node in x) + MARGIN)
    total_height = number(2 * MARGIN + len(rows) * BOX_HEIGHT + (len(rows) - 1) * V_GAP)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_width}" height="{total_height}" '
        f'viewBox="0 0 {total_width} {total_height}" '
        f'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="{FONT_SIZE}">',
        "<title>The rules of the workflow (snakemake --rulegraph)</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>',
        '<rect width="100%" height="100%" fill="white"/>',
    ]
    for edge in sorted(paths):
        points = [centre[node] for node in paths[edge]]
        # From the bottom of the upper box to the top of the lower one, through the waypoints,
        # as a smooth curve that is vertical at each point.
        points[0] = (points[0][0], points[0][1] + BOX_HEIGHT / 2)
        points[-1] = (points[-1][0], points[-1][1] - BOX_HEIGHT / 2)
        d = f"M{number(points[0][0])},{number(points[0][1])}"
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            middle = number((y1 + y2) / 2)
            d += f" C{number(x1)},{middle} {number(x2)},{middle} {number(x2)},{number(y2)}"
        out.append(
            f'<path d="{d}" fill="none" stroke="#888" stroke-width="1.5" marker-end="url(#arrow)"/>'
        )
    for node in nodes:
        cx, cy = centre[node]
        out.append(
            f'<rect x="{number(cx - width(node) / 2)}" y="{number(cy - BOX_HEIGHT / 2)}" '
            f'width="{number(width(node))}" height="{BOX_HEIGHT}" rx="8" fill="white" '
            f'stroke="{colours[node]}" stroke-width="2"/>'
        )
        out.append(
            f'<text x="{number(cx)}" y="{number(cy)}" text-anchor="middle" '
            f'dominant-baseline="central">{escape(node)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(smk) -> None:
    with open(smk.log[0], "w", encoding="utf-8") as log:
        colours, edges = parse_dot(rulegraph_dot(log))
    with open(smk.output[0], "w", encoding="utf-8", newline="\n") as svg:
        svg.write(draw(colours, edges))


if __name__ == "__main__":
    main(globals()["snakemake"])  # injected by Snakemake's `script:` directive
