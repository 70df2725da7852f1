"""The words of the demo: CRM notes, ticket messages and replies that read like real ones.

Placeholders are filled with ``fill``; an unknown one is left as it is rather than failing.
"""

from __future__ import annotations

import random

# (kind, subject, body) by what is happening. Subjects and bodies are picked independently
# within a group, so a group's entries must make sense in any combination.
Template = tuple[str, tuple[str, ...], tuple[str, ...]]

# fmt: off

DEAL_OPENING: dict[str, Template] = {
    "website": ("email", ("Enquiry from the website: {company}", "Web form: {first} asks for prices"),
                ("{first} filled in the contact form, asking about the {machine} and lead times. "
                 "Sent the catalogue and price list.",
                 "Asked for a quote for {city}. They currently rent a machine from their roaster.")),
    "referral": ("note", ("Referral: {company}", "Introduced by an existing customer"),
                 ("Referred by one of our customers in {city}. {first} wants an offer for the {machine}.",
                  "{first} heard about our service plans from a friend; wants a call next week.")),
    "trade show": ("note", ("Met at the trade show: {first}", "Trade show lead: {company}"),
                   ("Talked at our stand for 15 minutes, tasted our espresso. Asked for an offer.",
                    "Scanned badge at the stand. Opening a new place in {city}, needs equipment.")),
    "cold call": ("call", ("Cold call: {company}", "Intro call with {first}"),
                  ("Reached {first}. Their machine is 9 years old and breaks down often. "
                   "Agreed to send information.",
                   "Short call, {first} is interested but busy; send an e-mail with prices.")),
    "inbound email": ("email", ("Re: espresso machine for {company}", "Question about the {machine}"),
                      ("{first} wrote asking about the {machine} and installation in {city}.",
                       "Inbound e-mail: they need a second machine before the season starts.")),
    "partner": ("note", ("Partner lead: {company}", "Lead from our roaster partner"),
                ("Our roasting partner passed on {first}'s details; they want a machine upgrade.",
                 "Partner intro. {company} is switching suppliers in {city}.")),
    "renewal": ("email", ("Renewal reminder: {company}", "Your plan renews next month"),
                ("Sent the renewal reminder to {first}, with the same terms as last year.",
                 "Reminded {first} that the plan ends next month; offered a 3-year option.")),
    "upsell": ("note", ("Upsell idea: {company}", "Opportunity: {machine}"),
               ("{first} mentioned they are busier than expected; suggested the {machine}.",
                "During the service visit the technician noticed they could use the {machine}.")),
}

IN_STAGE: tuple[Template, ...] = (
    ("call", ("Discovery call with {first}", "Qualification call: {company}"),
     ("About {cups} cups a day, two baristas. Budget roughly {budget}. The owner decides.",
      "They serve {cups} cups a day and want better milk texture. Decision within a month.")),
    ("meeting", ("Tasting and demo at {company}", "Visit at {company} in {city}"),
     ("Showed the {machine} and our service terms to {first} and the team; positive. "
      "Asked about service response times.",
      "Tasting with three blends, they preferred the house blend. Sending a proposal.")),
    ("email", ("Proposal: {deal}", "Quote for {company}"),
     ("Sent the quote for {lines}, valid 30 days. Installation and training included.",
      "Proposal sent with leasing option over 36 months.")),
    ("call", ("Negotiation call with {first}", "Discussing terms: {company}"),
     ("{first} asked for {discount}% off and free training. Offered free installation instead.",
      "They compare us with a competitor's offer; price gap about 8%. Stressed the service plan.")),
)
RENEWAL_STAGE: tuple[Template, ...] = (
    ("call", ("Renewal call with {first}", "Check-in before renewal: {company}"),
     ("Happy with the machine, one repair this year. Wants the same plan.",
      "{first} asks whether the price stays the same; explained the 4% increase.")),
    ("email", ("Offer sent: {deal}", "Renewal offer for {company}"),
     ("Sent the renewal offer, 12 months, payment by invoice.",
      "Offer sent, including an upgrade option to the Premium plan.")),
    ("call", ("Confirming renewal with {first}", "Renewal follow-up: {company}"),
     ("Agreed verbally, waiting for the signed order.", "Will confirm after their board meeting.")),
)
FOLLOW_UP = ("call", ("Follow-up with {first}", "Checking in: {company}"),
             ("{first} is still comparing offers; call again next week.",
              "The owner is travelling; decision postponed by two weeks."))
WON = ("note", ("Won: {deal}", "Signed: {company}"),
       ("Order signed. Delivery and installation booked; training on the same day.",
        "{first} signed the order. Handing over to support for installation."))
LOST = ("note", ("Lost: {deal}", "Closed lost: {company}"),
        ("Reason: {reason}. {lost_note}", "{first} called to say no. {reason}. {lost_note}"))

TOUCHES: tuple[Template, ...] = (
    ("call", ("Check-in call with {first}", "How is the {machine} doing?"),
     ("All good, they are happy with the coffee. Mentioned they may need more beans in winter.",
      "Quick check-in; asked about the new single-origin beans.")),
    ("email", ("Newsletter follow-up: {company}", "Seasonal offer for {company}"),
     ("Sent our autumn bean selection and the barista workshop dates.",
      "Followed up on the newsletter; {first} wants samples.")),
    ("meeting", ("Visit at {company}", "Coffee with {first} in {city}"),
     ("Visited the site, saw the bar. They plan a refurbishment next year.",
      "Met {first}; they are opening a second location and want us involved early.")),
    ("note", ("Note: {company}", "Talked to {first}"),
     ("{first} moved to a new role; new contact for purchasing to be confirmed.",
      "Owner prefers e-mail, not calls before 11:00.")),
)

CALL_OUTCOMES = {"Connected": 50, "Left voicemail": 18, "No answer": 14, "Call back later": 10,
                 "Interested": 6, "Not interested": 2}
DEAL_CALL_OUTCOMES = {"Connected": 60, "Interested": 22, "Call back later": 10, "Left voicemail": 8}
MEETING_OUTCOMES = {"Positive": 55, "Needs follow-up": 30, "Demo done": 10, "No-show": 5}

# (category, weight, subjects, customer's description)
TICKETS: tuple[tuple[str, int, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Repair", 35,
     ("Machine leaking water under the drip tray", "Steam wand not producing steam",
      "Group head leaking during extraction", "Pressure gauge reads 0 bar",
      "Machine trips the breaker when heating", "Error E04 on the display",
      "Grinder jammed, motor hums", "Boiler takes an hour to heat up"),
     ("Since this morning the {machine} has this problem. We have a busy lunch, please help.",
      "Our barista noticed it yesterday. Can a technician come this week?")),
    ("Product question", 20,
     ("Grinder calibration for the new beans", "Which milk jug size for latte art?",
      "How often should we descale?", "Recommended water hardness", "Can we add a decaf hopper?"),
     ("Hi, quick question about our {machine}. What do you recommend?",
      "Could you advise us on this? Our baristas are not sure what is right.")),
    ("Delivery", 18,
     ("Bean delivery delayed", "Wrong blend delivered", "Package damaged on arrival",
      "Change our delivery day", "Missing burrs in the grinder shipment"),
     ("The order from last week has not arrived. We run out on Friday.",
      "The delivery arrived but something is not right, see the photo.")),
    ("Billing", 15,
     ("Question about invoice {invoice}", "Invoice sent to the wrong address",
      "Please update our VAT number", "Charged twice for the service plan", "Request a credit note"),
     ("Our accountant found a problem with the invoice. Please check.",
      "Could you send a corrected invoice to our finance team?")),
    ("Onboarding", 12,
     ("Installation appointment", "Barista training for new staff",
      "Help setting up the grinder dose", "Water filter installation"),
     ("We received the {machine}. When can the installer come?",
      "New staff start next week; can we book the training?")),
)
# Broken machines are urgent more often; overall about low 20%, normal 50%, high 22%, urgent 8%.
REPAIR_PRIORITIES = {"low": 5, "normal": 45, "high": 30, "urgent": 20}
PRIORITIES = {"low": 27, "normal": 53, "high": 18.5, "urgent": 1.5}
CHANNELS = {"email": 45, "phone": 25, "web": 20, "chat": 10}
FIRST_REPLIES = (
    "Hi {first}, thanks for letting us know. I am looking into it and will get back to you today.",
    "Hello {first}, sorry for the trouble. Could you send a photo or the serial number?",
    "Hi {first}, thanks for your message. We have booked a technician, details below.",
)
INTERNAL_NOTES = (
    "Spare part ordered from the warehouse, arrives in 2 days.",
    "Same issue as last year on this machine; check the warranty.",
    "Customer is a key account; keep sales in the loop.",
    "Asked logistics to check the courier's tracking.",
)
CUSTOMER_REPLIES = ("Thanks, we will try that.", "Here is the photo.", "OK, Tuesday works for us.")
RESOLUTIONS = (
    "Hi {first}, the technician replaced the worn gasket; the machine works again.",
    "Hi {first}, the corrected document is attached. Closing the ticket, reply if needed.",
    "Hi {first}, glad it works now. We are closing this ticket; reply to reopen it.",
)
CSAT_GOOD = ("Fast and friendly, thank you!", "Technician was great.", "Solved in one call.")
CSAT_BAD = ("Took too long to get an answer.", "Had to call three times.", "Still not happy.")

TASKS = {
    "new": ("Qualify lead: {company}", "Book a demo at {company}",
            "Follow up on the proposal with {first}", "Send the final offer to {first}"),
    "renewal": ("Send renewal offer to {company}", "Call {first} about the renewal",
                "Confirm renewal with {first}"),
    "won": ("Book installation for {company}", "Send welcome pack to {first}"),
    "ticket": ("Order spare parts for {company}", "Schedule technician visit: {company}",
               "Check back with {first} after the repair"),
}

# fmt: on


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(text: str, **values: object) -> str:
    return text.format_map(_Keep(values)).replace("  ", " ").strip()


def pick(rng: random.Random, template: Template, **values: object) -> tuple[str, str, str]:
    kind, subjects, bodies = template
    return kind, fill(rng.choice(subjects), **values), fill(rng.choice(bodies), **values)
