"""Turn a subgraph from ``queries.explore`` into vis-network data, with pyvis.

pyvis's ``Network`` holds the nodes, edges and options; its own HTML template
is never used (pyvis 0.3.2 inserts some fields into the page raw). The data
goes to the browser as JSON (a ``<script type="application/json">`` block or
an API response) and ``static/graph.js`` draws it, turning every tooltip into
text nodes. Names reach the canvas as labels, never as HTML.
"""
from __future__ import annotations

from flask import url_for

from alumni_graph.web import i18n

#: Colour and shape per node type; a Person without a graduation year is a student.
STYLE = {
    "School": {"shape": "star", "color": "#c0392b"},
    "Program": {"shape": "diamond", "color": "#8e44ad"},
    "Employer": {"shape": "square", "color": "#1f6fb2"},
    "Person": {"shape": "dot", "color": "#27ae60"},
    "Student": {"shape": "dot", "color": "#e67e22"},
    "Vacancy": {"shape": "triangle", "color": "#7f8c8d"},
}
EDGE_COLOR = {
    "HAS_PROGRAM": "#b39ddb",
    "STUDIED_IN": "#cfd8dc",
    "INTERNED_AT": "#f0b27a",
    "WORKS_AT": "#58d68d",
    "PARTNERS_WITH": "#e74c3c",
    "CONTACTED": "#5dade2",
    "AT": "#95a5a6",
    "REFERRED_TO": "#f5b041",
    "PROGRAM_LINK": "#7fb3d5",
}
#: URL names of the node types (``/api/v1/graph/around/<slug>/<key>``).
SLUGS = {"School": "school", "Program": "programme", "Person": "person", "Employer": "employer",
         "Vacancy": "vacancy"}
LABELS = {v: k for k, v in SLUGS.items()}
LABEL_MAX = 28


def style_key(node: dict) -> str:
    if node.get("kind") in STYLE:
        return node["kind"]
    if node["type"] == "Person" and node.get("graduation_year") is None:
        return "Student"
    return node["type"]


def detail_url(node_type: str, key: str) -> str | None:
    """The detail page of a node, or None when the current user's role may
    not open it (no link that ends in 403)."""
    from alumni_graph.web import access

    endpoint = {"School": "pages.school", "Person": "pages.person", "Employer": "pages.employer",
                "Program": "pages.program", "Vacancy": "work.vacancy"}[node_type]
    if not access.may_open(endpoint):
        return None
    if node_type == "Program":
        npsn, code = key.split("/", 1)
        return url_for("pages.program", npsn=npsn, code=code)
    endpoint = {"School": "pages.school", "Person": "pages.person", "Employer": "pages.employer",
                "Vacancy": "work.vacancy"}
    arg = {"School": "npsn", "Person": "nisn", "Employer": "code", "Vacancy": "id"}[node_type]
    return url_for(endpoint[node_type], **{arg: key})


def legend(lang: str) -> list[dict]:
    return [{"type": k, "label": i18n.translate(lang, f"type_{k}"), **v} for k, v in STYLE.items()]


def _short(name: str) -> str:
    name = " ".join(str(name).split())
    return name if len(name) <= LABEL_MAX else name[: LABEL_MAX - 1] + "…"


def _tooltip(node: dict, lang: str) -> str:
    t = lambda key: i18n.translate(lang, key)  # noqa: E731
    lines = [f"{t('type_' + style_key(node))}: {node['name']}"]
    if node.get("redacted"):
        lines.append(t("unnamed_person"))  # no key: it would only be the opaque token
    else:
        lines.append(node["key"])
    if node.get("program_code"):
        lines.append(f"{t('program')}: {node['program_code']}")
    if node["type"] == "Person":
        year = node.get("graduation_year")
        lines.append(f"{t('graduation_year')}: {year if year is not None else t('still_studying')}")
        if node.get("status"):
            lines.append(f"{t('status')}: {i18n.status_label(lang, node['status'])}")
    if node.get("sector"):  # the KBLI section by name, as on every page
        lines.append(f"{t('sector')}: {i18n.sector_name(lang, node['sector'])}")
    if node.get("city"):
        lines.append(f"{t('city')}: {node['city']}")
    if node.get("strength") is not None:  # the graph page's first view (explore.focus)
        lines.append(t("focus_strength").format(alumni=node.get("alumni_now", 0),
                                                interns=node.get("interns", 0)))
        if node.get("partner"):
            lines.append(t("focus_partner"))
    elif node.get("degree") is not None:
        lines.append(f"{t('relationships')}: {node['degree']}")
    return "\n".join(lines)


def _edge_tooltip(edge: dict, lang: str) -> str:
    t = lambda key: i18n.translate(lang, key)  # noqa: E731
    parts = [t("rel_" + edge["type"])]
    if edge["type"] == "PROGRAM_LINK":
        parts.append(t("focus_strength").format(alumni=edge.get("alumni_now", 0),
                                                interns=edge.get("interns", 0)))
    for field in ("title", "kind", "date", "start", "end"):
        if edge.get(field) not in (None, ""):
            parts.append(f"{t(field)}: {edge[field]}")
    return "\n".join(parts)


def _width(edge: dict) -> float:
    """A drawn programme–employer link is thicker the more people it stands for."""
    if edge["type"] != "PROGRAM_LINK":
        return 1
    return round(1 + min(edge.get("alumni_now", 0) + edge.get("interns", 0), 25) ** 0.5, 1)


def rings(sub: dict) -> dict[str, tuple[int, int]]:
    """Fixed positions for the graph page's first view (``explore.focus``):
    the school in the middle, its programmes on an inner ring, the employers
    on two staggered outer rings (so neighbouring labels do not overlap),
    each near the programme most of its people come from, the strongest
    first. Always the same picture for the same data."""
    import math

    nodes, edges = sub["nodes"], sub["edges"]
    programs = [n["id"] for n in nodes if n["type"] == "Program"]
    angle = {pid: 2 * math.pi * i / max(len(programs), 1) - math.pi / 2 for i, pid in enumerate(programs)}
    pos = {n["id"]: (0, 0) for n in nodes if n["type"] == "School"}
    # An ellipse as wide as a laptop's canvas (graph.js turns it upright on a phone).
    for pid, a in angle.items():
        pos[pid] = (round(320 * math.cos(a)), round(165 * math.sin(a)))
    weight: dict[str, dict[str, int]] = {}
    for e in edges:
        if e["type"] == "PROGRAM_LINK" and e["from"] in angle:
            weight.setdefault(e["to"], {})[e["from"]] = e.get("alumni_now", 0) + e.get("interns", 0)
    firms = [n for n in nodes if n["type"] == "Employer"]

    def home(n):
        w = weight.get(n["id"])
        if not w:
            return math.pi / 2  # no programme link (a partner only): at the bottom
        best = max(sorted(w), key=w.get)
        return angle[best]

    firms.sort(key=lambda n: ((home(n) + math.pi / 2) % (2 * math.pi), -(n.get("strength") or 0), n["key"]))
    for i, n in enumerate(firms):
        a = 2 * math.pi * i / max(len(firms), 1) - math.pi / 2
        rx, ry = (560, 290) if i % 2 == 0 else (720, 375)
        pos[n["id"]] = (round(rx * math.cos(a)), round(ry * math.sin(a)))
    return pos


def build(sub: dict, lang: str, *, layout_threshold: int = 150,
          highlight: dict | None = None, positions: dict | None = None) -> dict:
    """vis-network nodes, edges and options for ``sub`` (an ``explore`` subgraph).

    Above ``layout_threshold`` nodes the positions come from the server
    (networkx, in ``queries.explore.layout``) and physics is off, so a large
    drawing never keeps the browser busy.
    """
    from pyvis.network import Network  # heavy import (IPython): only when drawing

    nodes, edges = sub["nodes"], sub["edges"]
    fixed = bool(positions)
    large = len(nodes) > layout_threshold or fixed
    positions = dict(positions or {})
    if large and not fixed:
        from alumni_graph.queries.explore import layout

        positions = layout(nodes, edges)
    net = Network(directed=True)
    for n in nodes:
        style = STYLE[style_key(n)]
        extra = {}
        if n["id"] in positions:
            extra["x"], extra["y"] = positions[n["id"]]
        if "level" in n:
            extra["level"] = n["level"]
        degree = n.get("degree") or 0
        size = (10 + min(n["strength"], 100) ** 0.5 * 1.6 if n.get("strength") is not None
                else 8 + min(degree, 100) ** 0.5 * 3)
        net.add_node(
            n["id"], label=_short(n["name"]), shape=style["shape"], color=style["color"],
            size=round(size, 1),
            title=_tooltip(n, lang), borderWidth=3 if n["id"] == sub.get("center") else 1,
            # Fields for graph.js (filters, expand, detail page); vis ignores them.
            type=n["type"], kind=style_key(n), key=n["key"], slug=SLUGS[n["type"]],
            # A person the viewer may not see by name (queries.explore.Names)
            # has no detail link and cannot be expanded.
            url=None if n.get("redacted") else detail_url(n["type"], n["key"]),
            expandable=not n.get("redacted"), program_code=n.get("program_code"),
            graduation_year=n.get("graduation_year"), sector=n.get("sector"),
            **extra,
        )
    for e in edges:
        net.add_edge(
            e["from"], e["to"], id=e["id"], title=_edge_tooltip(e, lang),
            color=EDGE_COLOR.get(e["type"], "#999999"), dashes=bool(e.get("end")),
            rel=e["type"], width=_width(e),
        )
    net.options = {
        "autoResize": True,
        "physics": {
            "enabled": not large,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -6000, "springLength": 110, "damping": 0.35},
            "stabilization": {"enabled": True, "iterations": 200, "fit": True},
        },
        "layout": {"improvedLayout": len(nodes) <= 100},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": large,
                        "navigationButtons": False, "keyboard": False},
        "nodes": {"font": {"size": 14, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"smooth": False if large else {"type": "continuous"},
                  "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}}},
    }
    if fixed:  # few points, far apart: larger labels, straight lines
        net.options["nodes"]["font"]["size"] = 20
        net.options["edges"]["smooth"] = False
    vis_nodes, vis_edges, *_ = net.get_network_data()
    meta = {k: sub[k] for k in ("center", "total_nodes", "total_edges", "truncated") if k in sub}
    meta.update(shown_nodes=len(vis_nodes), shown_edges=len(vis_edges),
                layout="rings" if fixed else "server" if large else "browser")
    if highlight:
        meta["highlight"] = highlight
    return {"nodes": vis_nodes, "edges": vis_edges, "options": net.options, "meta": meta}


def from_paths(rows: list[dict], lang: str) -> dict:
    """The graph of referral paths: each path's nodes in order, joined by its
    relationships; ``meta.paths`` lists each path's node and edge ids so the
    page can highlight one."""
    from alumni_graph.graph_service.schema import NODE_TYPES

    nodes: dict[str, dict] = {}
    edges: dict[str, dict] = {}
    paths = []
    for row in rows:
        ids = []
        for n in row.get("nodes") or []:
            label = n.get("type")
            if label not in NODE_TYPES:
                continue
            nid, key = n["id"], str(n["key"])
            node = nodes.setdefault(nid, {
                "id": nid, "type": label, "key": key, "name": n.get("name") or key,
                # the path starts at the student; the people after are alumni
                "kind": ("Student" if not ids else "Person") if label == "Person" else label,
                "level": len(ids),
            })
            node["level"] = min(node["level"], len(ids))
            ids.append(nid)
        edge_ids = []
        for rel in row.get("relationships") or []:
            a, b, rtype = rel.get("from"), rel.get("to"), rel.get("type")
            if a not in nodes or b not in nodes:
                continue
            eid = f"{a}|{b}|{rtype}"
            edges.setdefault(eid, {"id": eid, "from": a, "to": b, "type": rtype})
            edge_ids.append(eid)
        paths.append({"nodes": ids, "edges": edge_ids})
    sub = {"nodes": list(nodes.values()), "edges": list(edges.values()),
           "center": paths[0]["nodes"][0] if paths and paths[0]["nodes"] else None}
    data = build(sub, lang, layout_threshold=10_000)
    # Paths read left to right: each node's level is its place in the path.
    data["options"]["layout"] = {"hierarchical": {"enabled": True, "direction": "LR",
                                                  "levelSeparation": 190, "nodeSpacing": 90}}
    data["options"]["physics"] = {"enabled": False}
    data["meta"]["paths"] = paths
    return data
