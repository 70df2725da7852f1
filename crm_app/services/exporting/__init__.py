"""Export contacts, companies, deals and tickets to CSV or XLSX: a filtered list, a selection
or a segment (deals: a pipeline, the board's filters or a selection; tickets: statuses or a
selection).

One module per concern: ``writers`` (formats, atomic write, neutralised cells), ``selection``
(which ids, in which order, ``CHUNK`` at a time — patch ``selection.CHUNK``, not this
package's copy), ``cell_values`` (local times, typed custom fields), ``record_lists`` (what
contacts and companies share), ``contacts``, ``companies``, ``deals``, ``tickets``,
``entities`` (by the entity's name, into a folder) and ``command`` (``rapport export``).
"""

from .cell_values import TRAILING_HEADERS
from .command import add_export_command, find_pipeline, find_segment, run_export_command
from .companies import COMPANY_HEADERS, export_companies
from .contacts import CONTACT_HEADERS, export_contacts
from .deals import DEAL_HEADERS, export_deals
from .entities import ENTITIES, export_records, export_to_directory
from .selection import CHUNK
from .tickets import TICKET_HEADERS, export_tickets
from .writers import FORMATS, XLSX_MAX_TEXT, ExportFormatError, Target, format_of

__all__ = [
    "CHUNK",
    "COMPANY_HEADERS",
    "CONTACT_HEADERS",
    "DEAL_HEADERS",
    "ENTITIES",
    "FORMATS",
    "TICKET_HEADERS",
    "TRAILING_HEADERS",
    "XLSX_MAX_TEXT",
    "ExportFormatError",
    "Target",
    "add_export_command",
    "export_companies",
    "export_contacts",
    "export_deals",
    "export_records",
    "export_tickets",
    "export_to_directory",
    "find_pipeline",
    "find_segment",
    "format_of",
    "run_export_command",
]
