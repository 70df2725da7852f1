"""What an import can fill, per entity: one declarative table each.

Each field has a name (the mapping target and the ``--map`` value), a label for the UI (a
msgid), a ``kind`` that says how a cell is read (see ``values.read_cell``), the header
spellings of common exports (HubSpot, Pipedrive, Salesforce, Zoho, Google Contacts, Outlook,
hand-made sheets, a few Estonian and German ones), best first, and the column's length limit.
Contacts, companies, deals and tickets have a table each.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_

CUSTOM_PREFIX = "custom:"


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str
    kind: str
    headers: tuple[str, ...] = ()
    limit: int | None = None


def _f(name: str, label: str, kind: str, *headers: str, limit: int | None = None) -> ImportField:
    return ImportField(name, label, kind, headers, limit)


_STREET = (
    "Street Address",
    "Street",
    "Address",
    "Address 1 - Street",
    "Address Street",
    "Address Line 1",
    "Address 1",
    "Street 1",
    "Aadress",
    "Tänav",
)
_CITY = ("City", "Address 1 - City", "Town", "Linn", "Stadt", "Ort")
_REGION = ("State/Region", "State", "Region", "State/Province", "Province", "County", "Maakond")
_POSTAL = ("Postal Code", "Zip", "Zip Code", "Postcode", "Post Code", "Postiindeks", "PLZ")
_COUNTRY = ("Country/Region", "Country", "Address 1 - Country", "Riik", "Land")
_OWNER = ("Owner", "Owner Email", "Assigned To", "Sales Rep", "Vastutaja", "Omanik", "Besitzer")
_TAGS = (
    "Tags",
    "Labels",
    "Tag",
    "Categories",
    "Group Membership",
    "Sildid",
    "Märksõnad",
    "Schlagworte",
)
_EXTERNAL = ("Record ID", "External ID", "ID", "Record Id")

# fmt: off
CONTACT_FIELDS: tuple[ImportField, ...] = (
    _f("first_name", N_("First name"), "text", "First Name", "Given Name", "Firstname",
       "First", "Person - First name", "Eesnimi", "Vorname", limit=100),
    _f("last_name", N_("Last name"), "text", "Last Name", "Family Name", "Lastname", "Surname",
       "Person - Last name", "Perekonnanimi", "Nachname", limit=100),
    _f("full_name", N_("Full name"), "full_name", "Full Name", "Name", "Person - Name",
       "Contact Name", "Display Name", "Contact", "Nimi", "Täisnimi"),
    _f("email", N_("E-mail"), "email", "Email", "E-mail", "Email Address", "E-mail Address",
       "Person - Email", "Person - Email - Work", "E-mail 1 - Value", "Primary Email",
       "Work Email", "Email 1", "E-post", "E-posti aadress", "Mail"),
    _f("email_2", N_("Second e-mail"), "email", "Secondary Email", "E-mail 2 - Value",
       "E-mail 2 Address", "Email 2", "Person - Email - Home", "Other Email", "Personal Email"),
    _f("email_3", N_("Third e-mail"), "email", "E-mail 3 - Value", "E-mail 3 Address",
       "Email 3", "Person - Email - Other"),
    _f("phone", N_("Phone"), "phone", "Phone Number", "Phone", "Business Phone", "Work Phone",
       "Person - Phone", "Person - Phone - Work", "Phone 1 - Value", "Telephone", "Tel",
       "Office Phone", "Primary Phone", "Telefon", "Work Direct Phone", "Direct Phone",
       "Direct Dial"),
    _f("mobile_phone", N_("Mobile"), "phone", "Mobile Phone Number", "Mobile Phone", "Mobile",
       "Cell Phone", "Cell", "Person - Phone - Mobile", "Mobile Number", "Mobiil",
       "Mobiiltelefon", "Handy", "Mobiltelefon"),
    _f("phone_2", N_("Other phone"), "phone", "Phone 2 - Value", "Other Phone", "Home Phone",
       "Business Phone 2", "Person - Phone - Home", "Person - Phone - Other", "Phone 2",
       "Corporate Phone", "Company Phone"),
    _f("title", N_("Job title"), "text", "Job Title", "Title", "Position", "Organization 1 - Title",
       "Person - Job title", "Ametikoht", "Amet", "Berufsbezeichnung", limit=120),
    _f("company", N_("Company"), "company", "Company Name", "Company", "Account Name",
       "Organization", "Organisation", "Organization Name", "Person - Organization",
       "Organization - Name", "Organization 1 - Name", "Associated Company", "Ettevõte",
       "Firma", "Unternehmen", limit=200),
    _f("company_domain", N_("Company website"), "domain", "Company Domain Name",
       "Company Domain", "Company Website", "Website", "Website URL", "Web Page",
       "Organization - Website", "Koduleht"),
    _f("owner", N_("Owner"), "owner", "Contact owner", "Person - Owner", "Lead Owner", *_OWNER),
    _f("lifecycle_stage", N_("Lifecycle stage"), "stage", "Lifecycle Stage", "Lifecycle",
       "Stage", "Contact Type", "Elutsükli etapp"),
    _f("source", N_("Source"), "text", "Lead Source", "Source", "Original Source",
       "Contact Source", "Allikas", "Quelle", limit=50),
    _f("street", N_("Street"), "text", "Mailing Street", "Business Street", *_STREET,
       "Organization - Address", "Straße", "Strasse", "Adresse", limit=200),
    _f("city", N_("City"), "text", "Mailing City", "Business City", *_CITY, limit=100),
    _f("region", N_("Region"), "text", "Mailing State/Province", "Mailing State",
       "Business State", *_REGION, "Address 1 - Region", "Bundesland", limit=100),
    _f("postal_code", N_("Postal code"), "text", "Mailing Zip/Postal Code", "Mailing Zip",
       "Business Postal Code", *_POSTAL, "Address 1 - Postal Code", "Postleitzahl", limit=20),
    _f("country", N_("Country"), "country", "Mailing Country", "Business Country/Region",
       "Business Country", *_COUNTRY),
    _f("tags", N_("Tags"), "tags", "Person - Labels", *_TAGS),
    _f("consent_email", N_("Agreed to receive e-mail"), "bool", "Email Consent",
       "Marketing Consent", "Email Opt In", "Newsletter", "Subscribed", "Nõusolek",
       "Einwilligung"),
    _f("email_opt_out", N_("E-mail opt-out"), "bool", "Email Opt Out", "Email Opt-Out",
       "Unsubscribed", "Unsubscribed from all email", "Has Opted Out Of Email"),
    _f("do_not_call", N_("Do not call"), "bool", "Do Not Call", "DoNotCall", "Don't Call"),
    _f("last_contacted_at", N_("Last contacted"), "date", "Last Contacted", "Last Contact Date",
       "Last Contacted Date", "Last Activity", "Viimane kontakt", "Letzter Kontakt"),
    _f("external_id", N_("ID in the other system"), "text", "Record ID", "Contact ID", "LEID",
       "Person - ID", "Contact Id", *_EXTERNAL, limit=100),
)

COMPANY_FIELDS: tuple[ImportField, ...] = (
    _f("name", N_("Name"), "text", "Company Name", "Name", "Account Name", "Organization - Name",
       "Organization Name", "Organization", "Organisation", "Company", "Ettevõte", "Nimi",
       "Firma", "Firmenname", "Unternehmen", limit=200),
    _f("domain", N_("Website"), "domain", "Company Domain Name", "Domain", "Website",
       "Website URL", "Web Site", "Organization - Website", "Web", "Koduleht", "Webseite"),
    _f("industry", N_("Industry"), "text", "Industry", "Organization - Industry", "Tegevusala",
       "Valdkond", "Branche", limit=100),
    _f("employees", N_("Employees"), "whole", "Number of Employees", "Employees",
       "No. of Employees", "Employee Count", "Organization - Number of employees", "Headcount",
       "Töötajate arv", "Mitarbeiter", "Anzahl Mitarbeiter"),
    _f("annual_revenue", N_("Annual revenue"), "amount", "Annual Revenue", "Revenue",
       "Organization - Annual revenue", "Aastakäive", "Käive", "Jahresumsatz", "Umsatz"),
    _f("phone", N_("Phone"), "phone", "Phone Number", "Phone", "Organization - Phone",
       "Main Phone", "Business Phone", "Telephone", "Tel", "Telefon"),
    _f("street", N_("Street"), "text", "Billing Street", *_STREET, "Organization - Address",
       "Organization - Address - Street/road name", "Straße", "Strasse", "Adresse", limit=200),
    _f("city", N_("City"), "text", "Billing City", *_CITY,
       "Organization - Address - City/town/village/locality", limit=100),
    _f("region", N_("Region"), "text", "Billing State/Province", "Billing State", *_REGION,
       "Organization - Address - State/county", "Bundesland", limit=100),
    _f("postal_code", N_("Postal code"), "text", "Billing Zip/Postal Code", "Billing Code",
       "Billing Zip", *_POSTAL, "Organization - Address - ZIP/Postal code", "Postleitzahl",
       limit=20),
    _f("country", N_("Country"), "country", "Billing Country", *_COUNTRY,
       "Organization - Address - Country"),
    _f("owner", N_("Owner"), "owner", "Company owner", "Account Owner", "Organization - Owner",
       *_OWNER),
    _f("tags", N_("Tags"), "tags", "Organization - Labels", *_TAGS),
    _f("external_id", N_("ID in the other system"), "text", "Record ID", "Account ID",
       "Company ID", "Organization - ID", *_EXTERNAL, limit=100),
)

# A deal's stage, pipeline, status, company and contact are read as text here and resolved
# against the database by ``deal_import`` (a stage name means something only in its pipeline).
DEAL_FIELDS: tuple[ImportField, ...] = (
    _f("title", N_("Title"), "text", "Deal Name", "Deal - Title", "Opportunity Name",
       "Deal Title", "Title", "Deal", "Opportunity", "Name", "Tehing", "Titel", limit=200),
    _f("value", N_("Value"), "amount", "Amount", "Deal - Value", "Value", "Deal Value",
       "Deal Amount", "Opportunity Amount", "Amount in company currency", "Summa", "Väärtus",
       "Wert", "Betrag"),
    _f("currency", N_("Currency"), "text", "Currency", "Deal - Currency", "Deal Currency",
       "Deal currency code", "Currency Code", "Opportunity Currency", "Valuuta", "Währung",
       limit=60),
    _f("pipeline", N_("Pipeline"), "text", "Pipeline", "Deal - Pipeline", "Sales Pipeline",
       "Opportunity Pipeline", limit=100),
    _f("stage", N_("Stage"), "text", "Deal Stage", "Deal - Stage", "Stage", "Opportunity Stage",
       "Sales Stage", "Stage Name", "Etapp", "Phase", limit=100),
    _f("status", N_("Status"), "text", "Deal - Status", "Deal Status", "Status", "Won/Lost",
       "Olek", limit=60),
    _f("expected_close", N_("Expected close"), "date", "Close Date",
       "Deal - Expected close date", "Expected Close Date", "Expected Close", "Closing Date",
       "Expected close date", "Eeldatav sulgemine", "Abschlussdatum"),
    _f("closed_at", N_("Closed on"), "date", "Deal - Deal closed on", "Closed Date",
       "Date Closed", "Actual Close Date", "Closed On", "Close Time", "Deal - Close time",
       "Deal - Won time", "Deal - Lost time", "Won Date", "Lost Date", "Closed", "Closed At"),
    _f("created_at", N_("Created"), "date", "Create Date", "Created Date", "Deal - Deal created",
       "Deal created", "Created", "Created At", "Creation Date", "Loodud", "Erstellt"),
    _f("owner", N_("Owner"), "owner", "Deal owner", "Deal - Owner", "Opportunity Owner",
       *_OWNER),
    _f("company", N_("Company"), "text", "Associated Company", "Associated Company (Primary)",
       "Deal - Organization", "Account Name", "Organization", "Organisation", "Company",
       "Company Name", "Organization - Name", "Organization Name", "Account", "Ettevõte",
       "Firma", "Unternehmen", limit=200),
    _f("contact", N_("Contact"), "text", "Associated Contact", "Associated Contact (Primary)",
       "Deal - Contact person", "Contact Person", "Contact Name", "Contact", "Primary Contact",
       "Person - Name", "Person", "Kontaktisik", "Ansprechpartner", limit=300),
    _f("contact_email", N_("Contact e-mail"), "email", "Contact Email", "Contact E-mail",
       "Contact person email", "Person - Email", "Deal - Contact person email", "Email",
       "E-mail", "Email Address"),
    _f("source", N_("Source"), "text", "Deal Source", "Deal - Source", "Lead Source",
       "Source", "Original Source", "Allikas", "Quelle", limit=50),
    _f("lost_reason", N_("Lost reason"), "text", "Deal - Lost reason", "Lost Reason",
       "Closed Lost Reason", "Loss Reason", "Reason Lost", "Kaotuse põhjus", limit=500),
    _f("external_id", N_("ID in the other system"), "text", "Record ID", "Deal - ID",
       "Opportunity ID", "Deal ID", "Deal Id", *_EXTERNAL, limit=100),
)

# A ticket's status, priority and channel are read as text and matched by synonyms in
# ``ticket_import`` (an unknown word becomes the field's default there, and is reported).
TICKET_FIELDS: tuple[ImportField, ...] = (
    _f("subject", N_("Subject"), "text", "Subject", "Ticket Subject", "Case Subject", "Title",
       "Summary", "Issue", "Topic", "Teema", "Betreff", limit=200),
    _f("description", N_("Description"), "long_text", "Description", "Ticket Description",
       "Case Description", "Body", "Message", "Details", "Content", "Comment", "Kirjeldus",
       "Beschreibung"),
    _f("status", N_("Status"), "text", "Status", "Ticket Status", "Case Status", "State",
       "Olek", "Staatus"),
    _f("priority", N_("Priority"), "text", "Priority", "Ticket Priority", "Case Priority",
       "Urgency", "Severity", "Prioriteet", "Priorität"),
    _f("channel", N_("Channel"), "text", "Channel", "Ticket Channel", "Source", "Via",
       "Case Origin", "Origin", "Kanal"),
    _f("category", N_("Category"), "text", "Category", "Ticket Type", "Type", "Issue Type",
       "Case Reason", "Case Type", "Ticket Category", "Kategooria", "Kategorie",
       limit=60),
    _f("assignee", N_("Assignee"), "owner", "Assignee", "Assignee Email", "Assignee Name",
       "Agent", "Agent Email", "Agent Name", "Assigned Agent", "Case Owner", "Ticket Owner",
       *_OWNER),
    _f("contact_email", N_("Customer e-mail"), "email", "Customer Email", "Customer E-mail",
       "Requester Email", "Requester", "Contact Email", "Contact E-mail", "Email", "E-mail",
       "Email Address", "From", "Kliendi e-post"),
    _f("contact_name", N_("Customer name"), "text", "Customer Name", "Requester Name",
       "Contact Name", "Customer", "Contact", "Name", "Full Name", "Klient", "Kunde",
       limit=200),
    _f("company", N_("Company"), "text", "Company", "Company Name", "Organization",
       "Organisation", "Organization Name", "Account Name", "Account", "Customer Company",
       "Ettevõte", "Firma", "Unternehmen", limit=200),
    _f("created_at", N_("Created"), "date", "Created", "Created At", "Created Date",
       "Date Created", "Creation Date", "Ticket Created", "Opened", "Opened At", "Opened Date",
       "Date Opened", "Submitted", "Submitted At", "Loodud", "Erstellt"),
    _f("first_response_at", N_("First response"), "date", "First Response",
       "First Response At", "First Response Time", "First Reply", "First Reply At",
       "First Replied At", "Responded At"),
    _f("resolved_at", N_("Resolved"), "date", "Resolved", "Resolved At", "Resolution Date",
       "Date Resolved", "Solved", "Solved At", "Time to Resolution", "Closed", "Closed At",
       "Date Closed", "Lahendatud", "Gelöst"),
    _f("csat_score", N_("Satisfaction (1–5)"), "csat", "CSAT", "CSAT Score",
       "Customer Satisfaction Rating", "Customer Satisfaction", "Satisfaction",
       "Satisfaction Score", "Satisfaction Rating", "Rating", "Rahulolu", "Zufriedenheit"),
    _f("csat_comment", N_("Satisfaction comment"), "text", "CSAT Comment",
       "Satisfaction Comment", "Rating Comment", "Feedback", "Customer Feedback", limit=1000),
    _f("external_id", N_("ID in the other system"), "text", "Ticket ID", "Ticket Id",
       "Ticket Number", "Ticket #", "Ticket No", "Case Number", "Case ID", "Request ID",
       "Issue ID", "Issue Key", "Key", *_EXTERNAL, limit=100),
)

# fmt: on

FIELDS: dict[str, tuple[ImportField, ...]] = {
    "contact": CONTACT_FIELDS,
    "company": COMPANY_FIELDS,
    "deal": DEAL_FIELDS,
    "ticket": TICKET_FIELDS,
}
ENTITY_NAMES = {
    "contact": "contact",
    "contacts": "contact",
    "company": "company",
    "companies": "company",
    "deal": "deal",
    "deals": "deal",
    "ticket": "ticket",
    "tickets": "ticket",
}


def entity_of(name: str) -> str:
    """ "contacts" / "contact" → "contact" (the ImportBatch.entity); ValueError when unknown."""
    try:
        return ENTITY_NAMES[str(name).strip().lower()]
    except KeyError:
        raise ValueError(f"unknown import entity: {name!r}") from None


def fields_for(entity: str) -> tuple[ImportField, ...]:
    return FIELDS[entity_of(entity)]


def field_by_name(entity: str) -> dict[str, ImportField]:
    return {f.name: f for f in fields_for(entity)}


def field_names(entity: str) -> list[str]:
    """The built-in mapping targets, in the catalogue's order (custom fields add ``custom:<key>``)."""
    return [f.name for f in fields_for(entity)]
