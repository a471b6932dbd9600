"""Why a stop was left out: the first constraint that rules it out on its own (compatibility,
no street route, capacity, time), else the fleet."""

from __future__ import annotations

from routing.layout import Layout
from routing.model import Stop


def explain(layout: Layout, stop: Stop) -> str:
    m = layout.model
    allowed = [v for v in m.vehicles if v.may_serve(stop)]
    if not allowed:
        if stop.vehicles is not None and any(v.can_carry(stop) for v in m.vehicles):
            return "compatibility: pinned to trucks that cannot take it"
        if stop.hazardous:
            return "compatibility: hazardous material needs a vehicle with a hazardous licence, and none is available"
        return f"compatibility: no vehicle may carry {', '.join(sorted(stop.categories))}"
    unreachable = layout.loc_matrices.unreachable
    if unreachable is not None:
        here = layout.stop_node(stop.index)  # location index: depots first, then stops
        if all(unreachable[v.start_depot.index, here] or unreachable[here, v.end_depot.index] for v in allowed):
            snap = layout.loc_matrices.snap_m
            where = f" (it snaps to a street {snap[here]:.0f} m away)" if snap is not None else ""
            return (
                "roads: no street route leads from its sorting center to it and back"
                f"{where}; the street it lies on is cut off from the network, or the extract does not cover it"
            )
    fitting = [v for v in allowed if stop.kg <= v.capacity_kg and stop.m3 <= v.capacity_m3]
    if not fitting:
        kg = max(v.capacity_kg for v in allowed)
        m3 = max(v.capacity_m3 for v in allowed)
        return (
            f"capacity: {stop.kg:g} kg / {stop.m3:g} m3 exceeds every compatible vehicle "
            f"(largest {kg:g} kg / {m3:g} m3)"
        )
    dur = layout.duration
    node = layout.stop_node(stop.index)
    windows = stop.windows or ((-(2**62), 2**62),)
    for v in fitting:
        earliest = v.shift[0] + int(dur[v.start_depot.index, node])
        for a, b in windows:
            begin = max(earliest, a)
            back = begin + stop.service_time + int(dur[node, v.end_depot.index]) + v.end_depot.unload_time
            if begin <= b and back <= v.shift[1]:
                break
        else:
            continue
        break
    else:
        return (
            "time: no compatible vehicle can reach it within its time window and still get back "
            "to its sorting center before its shift ends"
        )
    if not stop.required:
        return "optional: its prize does not pay for the detour, or the trucks had no room left"
    return (
        "fleet: each constraint allows it alone, but the compatible trucks have no capacity or "
        "shift time left for it together with the other required stops"
    )
