"""Pipeline, stage and lost-reason names in the demo's language.

These are data, not interface text (a business names its own stages), so they live with
the seed rather than in the UI catalogs. Applied last, through the audited write path.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from crm_app.models import Deal, Pipeline, Stage

from .. import writes

NAMES: dict[str, dict[str, str]] = {
    "et": {
        "New business": "Uus äri",
        "New lead": "Uus müügivihje",
        "Qualified": "Kvalifitseeritud",
        "Proposal sent": "Pakkumine saadetud",
        "Negotiation": "Läbirääkimised",
        "Won": "Võidetud",
        "Lost": "Kaotatud",
        "Renewals & upsell": "Pikendused ja lisamüük",
        "Due for renewal": "Pikendamise aeg",
        "Offer sent": "Pikenduspakkumine saadetud",
        "Agreed verbally": "Suuliselt kokku lepitud",
        "Renewed": "Pikendatud",
        "Churned": "Lahkunud",
        "Price": "Hind",
        "Chose a competitor": "Valis konkurendi",
        "No budget": "Eelarvet pole",
        "Bad timing": "Vale aeg",
        "No decision": "Otsust ei tehtud",
        "Product fit": "Toode ei sobinud",
    },
    "he": {
        "New business": "עסקים חדשים",
        "New lead": "ליד חדש",
        "Qualified": "ליד מוסמך",
        "Proposal sent": "הצעה נשלחה",
        "Negotiation": "משא ומתן",
        "Won": "נסגרה בהצלחה",
        "Lost": "אבדה",
        "Renewals & upsell": "חידושים ומכירות משלימות",
        "Due for renewal": "לקראת חידוש",
        "Offer sent": "הצעת חידוש נשלחה",
        "Agreed verbally": "סוכם בעל פה",
        "Renewed": "חודשה",
        "Churned": "הלקוח עזב",
        "Price": "מחיר",
        "Chose a competitor": "בחרו במתחרה",
        "No budget": "אין תקציב",
        "Bad timing": "תזמון לא מתאים",
        "No decision": "לא התקבלה החלטה",
        "Product fit": "המוצר לא התאים",
    },
    "fa": {
        "New business": "کسب‌وکار جدید",
        "New lead": "سرنخ جدید",
        "Qualified": "واجد شرایط",
        "Proposal sent": "پیشنهاد ارسال شد",
        "Negotiation": "مذاکره",
        "Won": "موفق",
        "Lost": "ناموفق",
        "Renewals & upsell": "تمدید و فروش مکمل",
        "Due for renewal": "در آستانهٔ تمدید",
        "Offer sent": "پیشنهاد تمدید ارسال شد",
        "Agreed verbally": "توافق شفاهی",
        "Renewed": "تمدیدشده",
        "Churned": "ازدست‌رفته",
        "Price": "قیمت",
        "Chose a competitor": "انتخاب رقیب",
        "No budget": "نبود بودجه",
        "Bad timing": "زمان نامناسب",
        "No decision": "تصمیمی گرفته نشد",
        "Product fit": "محصول مناسب نبود",
    },
    "hy": {
        "New business": "Նոր բիզնես",
        "New lead": "Նոր լիդ",
        "Qualified": "Որակավորված",
        "Proposal sent": "Առաջարկն ուղարկված է",
        "Negotiation": "Բանակցություններ",
        "Won": "Շահված",
        "Lost": "Կորցված",
        "Renewals & upsell": "Երկարաձգում և լրացուցիչ վաճառք",
        "Due for renewal": "Երկարաձգման ժամկետ",
        "Offer sent": "Երկարաձգման առաջարկն ուղարկված է",
        "Agreed verbally": "Բանավոր համաձայնեցված",
        "Renewed": "Երկարաձգված",
        "Churned": "Հաճախորդը հեռացել է",
        "Price": "Գին",
        "Chose a competitor": "Ընտրել է մրցակցին",
        "No budget": "Բյուջե չկա",
        "Bad timing": "Անհարմար պահ",
        "No decision": "Որոշում չի կայացվել",
        "Product fit": "Ապրանքը չի համապատասխանում",
    },
}


def localize(session: Session, locale: str) -> int:
    """Rename the demo's pipelines, stages and lost reasons into ``locale``; returns changes."""
    names = NAMES.get(locale)
    if not names:
        return 0
    changed = 0
    for model, field in ((Pipeline, "name"), (Stage, "name")):
        for row in session.execute(sa.select(model)).scalars():
            local = names.get(getattr(row, field))
            if local and writes.update(session, row, {field: local}, actor_id=None):
                changed += 1
    for deal in session.execute(sa.select(Deal).where(Deal.lost_reason.is_not(None))).scalars():
        local = names.get(deal.lost_reason or "")
        if local and writes.update(session, deal, {"lost_reason": local}, actor_id=None):
            changed += 1
    return changed
