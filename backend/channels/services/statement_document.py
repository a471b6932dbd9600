"""The monthly statement as a self-contained HTML page (printable; a browser saves it as PDF)."""

from __future__ import annotations

from html import escape


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}"


def render(data: dict) -> str:
    rows = "\n".join(
        f"<tr><td>{line['day']}</td><td>{line['booking_id']}</td><td>{escape(line['category'])}</td>"
        f"<td class=n>{line['kg']:.1f}</td><td class=n>{_money(line['price_per_kg'])}</td>"
        f"<td class=n>{_money(line['value'])}</td><td class=n>{_money(line['fee'])}</td></tr>"
        for line in data["lines"]
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Statement {escape(data["month"])} - {escape(data["organisation"])}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #999;padding:4px 8px}}.n{{text-align:right}}tfoot td{{font-weight:bold}}</style>
</head><body>
<h1>Monthly statement {escape(data["month"])}</h1>
<p>{escape(data["organisation"])}, unified social credit code {escape(data["credit_code"])}</p>
<table><thead><tr><th>Day</th><th>Booking</th><th>Category</th><th>kg</th><th>Price/kg</th>
<th>Value</th><th>Fee</th></tr></thead>
<tbody>
{rows}
</tbody>
<tfoot><tr><td colspan=3>Total</td><td class=n>{data["total_kg"]:.1f}</td><td></td>
<td class=n>{_money(data["total_value"])}</td><td class=n>{_money(data["total_fees"])}</td></tr>
<tr><td colspan=5>Balance (value less fees)</td><td class=n colspan=2>{_money(data["balance"])}</td></tr></tfoot>
</table></body></html>
"""
