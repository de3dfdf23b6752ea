"""Receipts as PDF: a Jinja template per kind, jurisdiction and language, printed by WeasyPrint.

Template lookup, first found wins (the core loader searches the deployment's override
folder before this plugin's, so a deployment overrides any of these by name):

1. a name returned by a chooser registered with :func:`register_template_chooser`
   (a plugin-local extension point, e.g. a Gift Aid plugin for ``gb``);
2. ``donations/receipts/<jurisdiction>/<kind>.html``;
3. ``donations/receipts/<kind>.html``.

Templates get ``t`` (the wording in the receipt's language, English or Spanish), the receipt,
the organisation, the donor and, for annual statements, the gifts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment, TemplateNotFound

from core import Money, db
from core.plugins.registry import current_registry
from core.web.templates import build_jinja_env
from plugins.donations.common import as_date, as_int, org
from plugins.donations.receipts import Receipt, get_receipt

TemplateChooser = Callable[[Receipt], str | None]
_choosers: list[TemplateChooser] = []
_envs: dict[int, Environment] = {}

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "gift_title": "Official donation receipt",
        "annual_title": "Annual giving statement",
        "number": "Receipt number",
        "issued": "Issued on",
        "donor": "Donor",
        "gift_date": "Date of gift",
        "amount": "Amount received",
        "non_deductible": "Value of goods or services received",
        "deductible": "Eligible amount",
        "in_kind": "Gift in kind",
        "fiscal_year": "Fiscal year",
        "date": "Date",
        "total": "Total",
        "thanks": "Thank you for your generosity.",
        "void": "VOID",
    },
    "es": {
        "gift_title": "Recibo oficial de donativo",
        "annual_title": "Certificado anual de donativos",
        "number": "Número de recibo",
        "issued": "Emitido el",
        "donor": "Donante",
        "gift_date": "Fecha del donativo",
        "amount": "Importe recibido",
        "non_deductible": "Valor de bienes o servicios recibidos",
        "deductible": "Importe deducible",
        "in_kind": "Donativo en especie",
        "fiscal_year": "Año fiscal",
        "date": "Fecha",
        "total": "Total",
        "thanks": "Gracias por su generosidad.",
        "void": "ANULADO",
    },
}


def register_template_chooser(chooser: TemplateChooser) -> None:
    """Add a function that may name the template for a receipt (None: no opinion)."""
    _choosers.append(chooser)


def template_names(receipt: Receipt) -> list[str]:
    """Candidate template names for a receipt, most specific first."""
    chosen = [name for chooser in _choosers if (name := chooser(receipt))]
    return [
        *chosen,
        f"donations/receipts/{receipt.jurisdiction}/{receipt.kind}.html",
        f"donations/receipts/{receipt.kind}.html",
    ]


def _env() -> Environment:
    registry = current_registry()
    key = id(registry)
    if key not in _envs:
        _envs.clear()
        _envs[key] = build_jinja_env(registry)
    return _envs[key]


def money(minor: int, currency: str) -> str:
    """An amount as text, e.g. ``1234.50 USD``."""
    return str(Money(minor, currency))


async def _context(receipt: Receipt) -> dict[str, Any]:
    donor = await db.fetch_one(
        "SELECT c.display_name, a.line1, a.line2, a.city, a.region, a.postcode, a.country "
        "FROM core_constituent c LEFT JOIN core_address a ON a.constituent_id = c.id "
        "AND a.is_primary = {} WHERE c.id = {}",
        True,
        receipt.constituent_id,
    )
    where = "id = {}" if receipt.kind == "gift" else "donor_id = {} AND fiscal_year = {}"
    args: list[Any] = (
        [receipt.gift_id]
        if receipt.kind == "gift"
        else [receipt.constituent_id, receipt.fiscal_year]
    )
    rows = await db.fetch_all(
        f"SELECT id, gift_date, amount_minor, non_deductible_minor, in_kind_description "
        f"FROM donations_gift WHERE {where} AND currency = {{}} AND status = 'received' "
        "AND deleted_at IS NULL ORDER BY gift_date, id",
        *args,
        receipt.currency,
    )
    gifts = [
        {
            "date": as_date(r["gift_date"]),
            "amount": money(as_int(r["amount_minor"]), receipt.currency),
            "non_deductible": money(as_int(r["non_deductible_minor"]), receipt.currency),
            "in_kind": r["in_kind_description"],
        }
        for r in rows
    ]
    return {
        "t": TEXTS.get(receipt.language, TEXTS["en"]),
        "receipt": receipt,
        "org_name": org().org_name,
        "donor": donor or {},
        "gifts": gifts,
        "amount": money(receipt.amount_minor, receipt.currency),
        "deductible": money(receipt.deductible_minor, receipt.currency),
        "non_deductible": money(receipt.amount_minor - receipt.deductible_minor, receipt.currency),
        "issued_on": receipt.issued_at.astimezone(org().zone).date(),
    }


async def render_html(receipt_id: int) -> str:
    """The receipt's HTML from the first template found."""
    receipt = await get_receipt(receipt_id)
    env = _env()
    names = template_names(receipt)
    for name in names:
        try:
            template = env.get_template(name)
        except TemplateNotFound:
            continue
        return template.render(**await _context(receipt))
    raise TemplateNotFound(names[-1])


async def render_pdf(receipt_id: int) -> bytes:
    """The receipt as a PDF document."""
    from weasyprint import HTML  # imported late: it is slow to import and only needed here

    html = await render_html(receipt_id)
    pdf = HTML(string=html).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
