"""The supplier register's commands (``workbench supplier add``, ``import``, ``list``, ``check``) and
the customer obligations' (``workbench customer set``, ``list``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli import echo_json, open_workspace, workspace_option

PERSON = click.option("--as", "person", default="", help="Which person acts, among those whose signing keys you hold.")


@click.group()
def supplier() -> None:
    """Register the suppliers of AI systems (A.10.2, A.10.3), list them and check them."""


@supplier.command("add")
@workspace_option
@click.option("--system", "system_id", required=True, help="Id of the AI system the supplier supplies.")
@click.option("--file", "path", required=True, type=click.Path(path_type=Path),
              help="A YAML file with the supplier's entry (see README: suppliers and customers).")
@PERSON
def supplier_add(workspace_path: Path | None, system_id: str, path: Path, person: str) -> None:
    """Register one supplier (or its next version) from a YAML file."""
    from workbench.processes.supplier_assessment.suppliers import add_supplier
    from workbench.validate import load_data

    row = add_supplier(open_workspace(workspace_path), system_id, load_data(path, field="file"), person)
    click.echo(f"registered supplier {row['supplier_id']} of {system_id}, version {row['seq']}")


@supplier.command("import")
@workspace_option
@click.option("--system", "system_id", required=True, help="Id of the AI system the suppliers supply.")
@click.argument("path", type=click.Path(path_type=Path))
@PERSON
def supplier_import(workspace_path: Path | None, system_id: str, path: Path, person: str) -> None:
    """Register every supplier of a YAML or CSV file (all are checked first)."""
    from workbench.processes.supplier_assessment.suppliers import import_suppliers

    rows = import_suppliers(open_workspace(workspace_path), system_id, path, person)
    click.echo(f"registered {len(rows)} supplier(s) of {system_id}: {', '.join(r['supplier_id'] for r in rows)}")


@supplier.command("list")
@workspace_option
@click.option("--system", "system_id", default=None, help="Only this system's suppliers.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def supplier_list(workspace_path: Path | None, system_id: str | None, as_json: bool) -> None:
    """List the current version of every supplier."""
    from workbench.processes.supplier_assessment.suppliers import suppliers

    rows = suppliers(open_workspace(workspace_path), system_id)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['system_id']:<20} {r['supplier_id']:<22} v{r['seq']:<3} {','.join(r['supplies']):<22} "
                   f"{r['name']}")


@supplier.command("check")
@workspace_option
def supplier_check(workspace_path: Path | None) -> None:
    """Exit 1 when a supplier is unassessed, its assessment has a concern, or its agreement ended (for cron)."""
    from workbench.processes.supplier_assessment.flags import supplier_flags

    found = supplier_flags(open_workspace(workspace_path))
    for f in found:
        click.echo(f"{f['flag']:<10} {f['system_id']}/{f['supplier_id']}: {f['message']}")
    if found:
        sys.exit(1)
    click.echo("every registered supplier is assessed, with no concern")


@click.group()
def customer() -> None:
    """Record whether AI systems face customers and what they owe them (A.10.4)."""


@customer.command("set")
@workspace_option
@click.option("--system", "system_id", required=True, help="Id of the AI system.")
@click.option("--file", "path", required=True, type=click.Path(path_type=Path),
              help="A YAML file: customer_facing, customers, obligations (or rationale when not customer-facing).")
@PERSON
def customer_set(workspace_path: Path | None, system_id: str, path: Path, person: str) -> None:
    """Record a system's customer obligations (a new version)."""
    from workbench.processes.supplier_assessment.customers import set_customer_facing
    from workbench.validate import load_data

    row = set_customer_facing(open_workspace(workspace_path), system_id, load_data(path, field="file"), person)
    click.echo(f"recorded {system_id} as {'customer-facing' if row['customer_facing'] else 'not customer-facing'}, "
               f"version {row['seq']}, {len(row['obligations'])} obligation(s)")


@customer.command("list")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def customer_list(workspace_path: Path | None, as_json: bool) -> None:
    """List each system's current customer record."""
    from workbench.processes.supplier_assessment.customers import customer_records

    rows = customer_records(open_workspace(workspace_path))
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        facing = "customer-facing" if r["customer_facing"] else "not customer-facing"
        click.echo(f"{r['system_id']:<20} v{r['seq']:<3} {facing:<20} {len(r['obligations'])} obligation(s)")
