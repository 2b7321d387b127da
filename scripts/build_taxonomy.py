"""Build ``sim/data/taxonomy.toml`` from published call-type mappings.

Run ``.venv/bin/python scripts/build_taxonomy.py [--source DIR] [--out FILE] [--check]``
(a build script: it lives outside the ``sim`` package, which never imports it).

Sources (in ``../shared/data/taxonomy`` beside the repository by default):

* Vera Institute / Two Sigma Data Clinic, ``CallTypes_TS.xlsx`` (github.com/tsdataclinic/Vera,
  MIT): 3,227 raw call types from Charleston, Dallas, Detroit, New Orleans and Seattle, each
  assigned a call family (sheet ``CallTypes``), plus 495 example types (sheet ``Vera_Types``).
* NICJR, *Seattle Calls for Service Analysis* (2021), Appendix B: 348 SPD call types with a
  crime category and the default response tier it implies (Tier 1 = civilian responders
  only).

How the TOML is derived, so that every line can be traced to a source:

1. Each Vera family maps to a base planning category (``FAMILY_BASE``).
2. Family-scoped refinements split broad families by words in the type name
   (``REFINEMENTS``; e.g. Vera's "Complaints/Environmental Conditions" holds noise,
   neighbour problems, panhandling and hazards), and a weapon screen moves any
   community-candidate type that mentions a weapon to ``violent_crime``.
3. A type listed in several cities with different families takes the family with the most
   calls (Vera's ``Count``). Truncated names (ending in "...") are skipped.
4. Call types of the shipped extracts that the published lists lack get exact entries only
   through ``EQUIVALENTS``: each names a published type with the same meaning, and inherits
   that type's category.
5. Keyword/regex ``RULES`` catch names not listed exactly. Each rule's agreement with the
   exact entries is measured here and written beside it in the TOML; the build fails if
   the rules as a whole agree with fewer than ``MIN_RULE_AGREEMENT`` of the published types.
6. NICJR's crime categories check the community-candidate flags: the share of Seattle types
   in each category that NICJR calls non-criminal is written beside the category.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.data.categorize import Rule, Taxonomy, classify, normalize

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "taxonomy"
DEFAULT_OUT = ROOT / "sim" / "data" / "taxonomy.toml"
MIN_RULE_AGREEMENT = 0.80

# ----------------------------------------------------------------------------- categories

CATEGORY_INFO: dict[str, tuple[str, str, bool, str]] = {
    # key: (label, group, community candidate, description)
    "behavioral_health": (
        "Behavioral health",
        "community",
        True,
        "mental health crisis, suicidal person, overdose/substance crisis",
    ),
    "welfare_check": (
        "Welfare check",
        "community",
        True,
        "check on the well-being of a person, person down",
    ),
    "noise_quality_of_life": (
        "Noise and quality of life",
        "community",
        True,
        "noise, disturbance without violence, nuisance, disorderly conduct, dumping",
    ),
    "neighbor_dispute": (
        "Neighbor or civil dispute",
        "community",
        True,
        "neighbour, landlord/tenant and civil disputes, keep-the-peace standbys",
    ),
    "intoxicated_person": (
        "Intoxicated person",
        "community",
        True,
        "intoxicated person, detox request (not driving under the influence)",
    ),
    "unhoused_assistance": (
        "Unhoused assistance",
        "community",
        True,
        "homeless person or encampment, lodging in public, panhandling",
    ),
    "traffic": (
        "Traffic",
        "police",
        False,
        "collisions, traffic and parking violations, DUI, hazards on the road",
    ),
    "property_crime": (
        "Property crime",
        "police",
        False,
        "theft, burglary, vandalism, fraud, arson",
    ),
    "violent_crime": (
        "Violent crime",
        "police",
        False,
        "assault, robbery, weapons, shootings, domestic violence, sex offenses, threats",
    ),
    "medical": ("Medical", "fire_ems", False, "medical emergencies, injured or sick person"),
    "fire": ("Fire", "fire_ems", False, "fires, smoke, gas leaks, rescues"),
    "alarm": ("Alarm", "police", False, "burglar, panic and fire alarms"),
    "other": (
        "Other",
        "other",
        False,
        "suspicion, warrants, missing persons, drugs, statuses and everything else",
    ),
}

COMMUNITY = {k for k, v in CATEGORY_INFO.items() if v[2]}

# ------------------------------------------------------------------- Vera family → category

FAMILY_BASE: dict[str, str] = {
    "behavioral health": "behavioral_health",
    "complaints/environmental conditions": "noise_quality_of_life",
    "assisting the public": "other",
    "assist the public": "other",
    "statuses": "other",
    "medical emergencies": "medical",
    "medical": "medical",
    "fire": "fire",
    "alarms": "alarm",
    "traffic": "traffic",
    "accidents/traffic safety": "traffic",
    "property crime": "property_crime",
    "violent crime": "violent_crime",
    "domestic violence": "violent_crime",
    "sex offenses": "violent_crime",
    "other crimes": "other",
    "drugs": "other",
    "liquor violations": "other",
    "warrants": "other",
    "warrant": "other",
    "status offenses": "other",
    "suspicion": "other",
    "missing persons": "other",
    "officer needs help": "other",
    "call related issues": "other",
    "call related isuues": "other",
    "callback": "other",
    "other (not crime)": "other",
    "training academy": "other",
}

_COMPLAINTS = ("complaints/environmental conditions",)
_ASSIST = ("assisting the public", "assist the public", "statuses")

REFINEMENTS: tuple[tuple[tuple[str, ...], str, str, str], ...] = (
    # (families, regex on the normalized name, category, why)
    (
        ("accidents/traffic safety",),
        r"^BMV\b",
        "property_crime",
        "Dallas 'BMV' is burglary of a motor vehicle",
    ),
    (
        ("behavioral health",),
        r"SUDDEN DEATH",
        "other",
        "a death report (Vera files other death reports under Statuses)",
    ),
    (
        ("violent crime",),
        r"CASUALTY.*NON-?CRIM",
        "medical",
        "Seattle non-criminal casualty (person down, injured)",
    ),
    (
        ("other (not crime)",),
        r"INJURY|ACCIDENT(?!.*TRAFFIC)",
        "medical",
        "accidental/occupational injury",
    ),
    (
        ("complaints/environmental conditions", "liquor violations", "other crimes"),
        r"^(?!.*(BOATING|DRIVING|DWI|DUI|MINOR)).*(INTOX|DRUNK|DETOX|INEBRIAT)",
        "intoxicated_person",
        "intoxicated person (not impaired driving, not minors)",
    ),
    (
        (*_COMPLAINTS, "statuses"),
        r"HOMELESS|PANHANDL|VAGRAN|BEGGING|ENCAMP|TRANSIENT|LODGING",
        "unhoused_assistance",
        "homelessness, panhandling",
    ),
    (
        _COMPLAINTS,
        r"DOMESTIC|\bDV\b|BIAS",
        "violent_crime",
        "domestic and bias incidents are police calls (Vera also files them as DV)",
    ),
    (_COMPLAINTS, r"CRISIS|MENTAL", "behavioral_health", "Seattle 'crisis complaint'"),
    (
        _COMPLAINTS,
        r"NOISE|LOUD|PARTY|FIREWORK|FIRE CRACKER|BARKING|MUSIC",
        "noise_quality_of_life",
        "noise",
    ),
    (_COMPLAINTS, r"^HARAS", "other", "harassment without threats"),
    (
        _COMPLAINTS,
        r"FIGHT|PHYSICAL|VIOLENCE|ASSAULT|THREAT|\bMAJOR DIST",
        "violent_crime",
        "physical disturbance or fight",
    ),
    (
        _COMPLAINTS,
        r"NEIGHBOR(?!HOOD PRESERVATION)|LANDLORD|TENANT|CIVIL|KEEP (THE )?PEACE|PRESERVE THE PEACE",
        "neighbor_dispute",
        "neighbour and civil disputes",
    ),
    (
        _COMPLAINTS,
        r"GAS LEAK|EXPLOSION|CHEMICAL",
        "fire",
        "gas, explosion and chemical hazards go to the fire service",
    ),
    (
        _COMPLAINTS,
        r"TRAFFIC|PARKING|MOTOR VEHICLE|ABANDONED VEH|RAILROAD|BICYCLE",
        "traffic",
        "road and vehicle complaints",
    ),
    (
        _COMPLAINTS,
        r"ANIMAL|\bDOG\b|\bCOW\b|\bHORSE\b|LOST|FOUND|MISSING PROP|ABANDONED PROP|HAZ|WIRES|TREES"
        r"|DEBRIS|OPEN - BUILDING|OPEN DOOR|OPEN WINDOW|UNKNOWN|OVERDUE|HARASS|GAS/MAINT",
        "other",
        "animals, lost property, hazards, harassment and unknown complaints",
    ),
    (
        _ASSIST,
        r"(?<!NO )WELFARE|WELL ?(BEING|CK|CHECK)|PERSON DOWN|DOWN PERSON|MAN DOWN",
        "welfare_check",
        "welfare checks and person-down checks",
    ),
    (
        _ASSIST,
        r"KEEP (PEACE|PC)|PEACE-STANDBY|STANDBY TO ASSURE|PRESERVE THE PEACE|CIVIL MATTER",
        "neighbor_dispute",
        "keep-the-peace standbys",
    ),
    (("statuses",), r"SICK CARED", "medical", "sick persons"),
    (
        ("other crimes",),
        r"SHOOT|SHOTS|DISCHARG|FIREARM|WEAPON|WEAPN|WPN|\bGUN\b|KIDNAP|EXTORTION|THREAT|FIGHT"
        r"|BATTERY|ASSAULT|ASLT|ARMED|HOSTAGE|TERRORIS|DASF|DASV|DAEF|DAEV",
        "violent_crime",
        "weapons, fights, threats and batteries filed under 'Other Crimes'",
    ),
    (
        ("other crimes",),
        r"FRAUD|FORGE|BUNCO|EMBEZZL|CREDIT CARD|COUNTERFEIT|PICKPOCKET|IDENTIFYING INFO"
        r"|CRIMINAL DAMAGE|MISCHIEF|STOLEN|BMV",
        "property_crime",
        "fraud, forgery and damage filed under 'Other Crimes'",
    ),
    (
        ("other crimes",),
        r"\bDUI\b|\bDWI\b|DRIVING WHILE|DRIVING UNDER",
        "traffic",
        "impaired driving (Vera files Seattle's '--TRAFFIC - D.U.I.' as traffic)",
    ),
    (
        ("other crimes",),
        r"DISORDERLY|LOITER|URINAT|LITTER",
        "noise_quality_of_life",
        "disorderly conduct and public nuisances",
    ),
    (
        ("drugs", "behavioral health", "statuses"),
        r"OVERDOSE|\bOD\b|DRUG RELATED CASUALTY",
        "behavioral_health",
        "overdoses (Vera files 'OVERDOSE - DRUG RELATED CASUALTY' as behavioral health)",
    ),
)


# --------------------------------------------------------- shipped extracts → equivalents

EQUIVALENTS: dict[str, tuple[str, str]] = {
    # shipped call type: (published type with the same meaning, where the shipped type is from)
    # Milwaukee `nature` (MPD abbreviations)
    "TRBL W/SUBJ": ("DISTURBANCE", "Milwaukee: trouble with subject"),
    "TRBL W/JUV": ("DISTURBANCE", "Milwaukee: trouble with juveniles"),
    "WELFARE CITIZEN": ("WELL BEING CHECK", "Milwaukee"),
    "RETURN STATION": ("ASSIGNED DUTY - DETAIL BY SUPERVISOR", "Milwaukee unit status"),
    "SPECIAL ASSIGN": ("ASSIGNED DUTY - DETAIL BY SUPERVISOR", "Milwaukee unit status"),
    "POLICE ADMIN": ("ASSIGNED DUTY - DETAIL BY SUPERVISOR", "Milwaukee unit status"),
    "ASSIGNMENT": ("ASSIGNED DUTY - DETAIL BY SUPERVISOR", "Milwaukee unit status"),
    "OUT OF SERVICE": ("DOWN TIME - OUT OF SERVICE", "Milwaukee unit status"),
    "COURT DUTY": ("ASSIGNED DUTY - DETAIL BY SUPERVISOR", "Milwaukee unit status"),
    "VEHICLE MAINT": ("DOWN TIME - OUT OF SERVICE", "Milwaukee unit status"),
    "PRISONER TRANS": ("PRISONER ESCORT - BUSY CODE", "Milwaukee"),
    "PATROL": ("DIRECTED PATROL", "Milwaukee"),
    "PARK AND WALK": ("DIRECTED PATROL", "Milwaukee"),
    "TAVERN CHECK": ("BUSINESS CHECK", "Milwaukee"),
    "VACANT HOUSE CHK": ("BUILDING CHECK", "Milwaukee"),
    "TS TARGETED": ("TRAFFIC STOP", "Milwaukee targeted traffic stop"),
    "TRAFFIC LASER": ("TRAFFIC STOP", "Milwaukee speed enforcement"),
    "SUBJ STOP": ("SUSPICIOUS STOP - OFFICER INITIATED ONVIEW", "Milwaukee"),
    "REPORTS": ("INFORMATION/NON-CRIMINAL RPT", "Milwaukee"),
    "INVESTIGATION": ("58 - ROUTINE INVESTIGATION", "Milwaukee"),
    "BUS INVESTIGATIO": ("58 - ROUTINE INVESTIGATION", "Milwaukee"),
    "SUSP PERS/AUTO": ("SUSPICIOUS PERSON, VEHICLE OR INCIDENT", "Milwaukee"),
    "SUSPICIOUS-OTH": ("SUSPICIOUS PERSON, VEHICLE OR INCIDENT", "Milwaukee"),
    "CALL FOR POLICE": ("ASSIST CITIZEN", "Milwaukee"),
    "CITIZEN CONTACT": ("ASSIST CITIZEN", "Milwaukee"),
    "ADDL INFO": ("RETURN FOR ADDITIONAL INFO", "Milwaukee"),
    "ENTRY": ("BURGLARY", "Milwaukee: entry = burglary"),
    "ENTRY-DV": ("BURGLARY", "Milwaukee"),
    "ENTRY AUTOS": ("BREAKING & ENTERING AUTO RPT", "Milwaukee"),
    "BATTERY DV": ("DV A/B RPT", "Milwaukee"),
    "INJ PERSON/SICK": ("SICK PERSON", "Milwaukee"),
    "MED RUN": ("MEDICAL", "Milwaukee"),
    "DEAD ON ENTRY": ("DOA - CASUALTY, DEAD BODY", "Milwaukee"),
    "ACC PDO": ("AUTO ACCIDENT", "Milwaukee: property damage only"),
    "ACC PI": ("AUTO ACCIDENT WITH INJURY", "Milwaukee: personal injury"),
    "ACC UNKN INJ": ("ACC - UNK INJURIES", "Milwaukee"),
    "SHOTS FIRED": ("SHOTS FIRED IP", "Milwaukee, New Orleans"),
    "SHOTSPOTTER": ("SHOTS FIRED IP", "Milwaukee acoustic gunshot alert"),
    "RECK USE OF WEAP": ("DISCHARGING FIREARM", "Milwaukee"),
    "SUBJ WANTED": ("WNTD WRRNT MISDEMEANOR", "Milwaukee"),
    "PROBATION/PAROLE": ("WNTD WRRNT MISDEMEANOR", "Milwaukee"),
    "NOISE NUISANCE": ("NOISE COMPLAINT", "Milwaukee"),
    "FAMILY TROUBLE": ("114D_FAMILY VERBAL", "Milwaukee"),
    "FAMILY TROUBL-DV": ("114D_FAMILY VERBAL", "Milwaukee"),
    "TRBL W/SUBJ-DV": ("DOMESTIC DISTURBANCE", "Milwaukee"),
    "STOLEN VEHICLE": ("AUTO THEFT", "Milwaukee"),
    "THEFT VEHICLE": ("AUTO THEFT", "Milwaukee"),
    "PROPERTY PICKUP": ("FOUND PROPERTY", "Milwaukee"),
    "CONVEY PROPERTY": ("FOUND PROPERTY", "Milwaukee"),
    "ABAND/STOLEN PRO": ("ABANDONED PROPERTY (NO OFFENSE)", "Milwaukee"),
    "RECKLESS VEHICLE": ("RECKLESS DRIVING", "Milwaukee"),
    "NON PURSUIT NO P": ("TRAFFIC - MOVING VIOLATION", "Milwaukee: vehicle fled, not pursued"),
    "NON PURSUIT": ("TRAFFIC - MOVING VIOLATION", "Milwaukee"),
    "CHILD CUSTODY": ("CUSTODIAL INTERFERENCE - DV", "Milwaukee"),
    "LOOSE ANIMAL": ("105A_ANIMAL STRAY", "Milwaukee"),
    "CRUELTY ANIMAL": ("CRUELTY TO ANIMALS", "Milwaukee"),
    "DRUG DEALING": ("DRUG VIOLATIONS", "Milwaukee"),
    "ROBBERY ARMED": ("ARMED ROBBERY WITH GUN", "Milwaukee"),
    "ROBBERY ST ARM": ("ROBBERY - STRONG ARM", "Milwaukee"),
    "MEET GOVT AGENCY": ("ASSIST OTHER AGENCY - CITY AGENCY", "Milwaukee"),
    "MEET MFD": ("SFD - ASSIST ON FIRE OR MEDIC RESPONSE", "Milwaukee: meet fire department"),
    "ASSIST FIRE/AMB": ("SFD - ASSIST ON FIRE OR MEDIC RESPONSE", "Milwaukee"),
    "LANDLORD/TEN TRB": ("NEIGHBOR PROBLEM", "Milwaukee"),
    "SCHL MONITORING": ("ASSIGNED DUTY - DETAIL BY SUPERVISOR", "Milwaukee"),
    "VIOL REST ORDER": ("VIOLATION OF PROTECTION ORDER", "Milwaukee"),
    "VIOL REST ORD-DV": ("ORDER - VIOLATING DV COURT ORDER", "Milwaukee"),
    "IND EXPOSURE": ("INDECENT EXPOSURE", "Milwaukee"),
    "SOLICITING": ("PROSTITUTION", "Milwaukee"),
    "NOTIFICATION": ("DELIVER MESSAGE- NON EMERGENCY", "Milwaukee"),
    "CITIZEN CONVEY": ("TRANSPORT/ALL", "Milwaukee"),
    "JUV CONVEY": ("TRANSPORT/ALL", "Milwaukee"),
    "HOME VISIT DV": ("DV - SERVICE OF COURT ORDER", "Milwaukee"),
    "LOCKOUT": ("*PUBLIC SERVICE_LOCKOUT", "Milwaukee"),
    "PHONE CALL COMPL": ("HARASSMENT", "Milwaukee"),
    "PARKING TROUBLE": ("PARKING COMPLAINT", "Milwaukee"),
    "TRESPASSER": ("TRESPASS", "Milwaukee"),
    "LOST CHILD": ("MISSING JUVENILE", "Milwaukee"),
    "911 ABUSE CONFIR": ("911 HANG UP", "Milwaukee: misuse of 911"),
    "BURG/AUD GOVT": ("BURGLAR ALARM, LOCAL", "Milwaukee: audible burglar alarm"),
    "BURG/AUD BUSINES": ("BURGLAR ALARM, LOCAL", "Milwaukee: audible burglar alarm"),
    "BURG/AUD RESI": ("BURGLAR ALARM, LOCAL", "Milwaukee: audible burglar alarm"),
    "ABAND/PROP WEAPO": ("FOUND GUN", "Milwaukee: abandoned property, weapon"),
    "HOSPITAL TO MCMH": (
        "CRISIS COMPLAINT - PICK-UP OR TRANSPORT",
        "Milwaukee: conveyance to the county mental-health complex",
    ),
    # San Francisco Fire `Call Type`
    "MEDICAL INCIDENT": ("MEDICAL", "San Francisco Fire"),
    "ALARMS": ("FIRE ALARM", "San Francisco Fire"),
    "OUTSIDE FIRE": ("OTHR OUTSIDE STRUCTURE FIRE", "San Francisco Fire"),
    "STRUCTURE FIRE": ("RESIDENTIAL STRUCTURE FIRE", "San Francisco Fire"),
    "TRAFFIC COLLISION": ("AUTO ACCIDENT", "San Francisco Fire"),
    "CITIZEN ASSIST / SERVICE CALL": ("ASSIST CITIZEN", "San Francisco Fire"),
    "ASSIST POLICE": ("ASSIST OTHER", "San Francisco Fire"),
    "ELEVATOR / ESCALATOR RESCUE": ("FIRE/RESCUE", "San Francisco Fire"),
    "WATER RESCUE": ("FIRE/RESCUE", "San Francisco Fire"),
    "GAS LEAK (NATURAL AND LP GASES)": ("GAS LEAK", "San Francisco Fire"),
    # Berkeley 2014 (names from berkeley_police_codes.txt) and codes missing from that list
    "DISTURBANCE": ("DISTURBANCE", "Berkeley 415"),
    "NOISE COMPLAINT": ("NOISE COMPLAINT", "Berkeley 415E"),
    "LOUD REPORTS": ("SHOTS - IP/JO - INCLUDES HEARD/NO ASSAULT", "Berkeley LDRPT: shots heard"),
    "CHILD WELFARE": ("CHILD - ABAND, ABUSED, MOLESTED, NEGLECTED", "Berkeley 300WI"),
    "LODGING IN PUBLIC": ("HOMELESS", "Berkeley 647J"),
    "INTOXICATED SUBJECT": ("08 - INTOXICATED PERSON", "Berkeley 647F"),
    "CIVIL STANDBY": ("PEACE-STANDBY TO ASSURE (NO COURT ORDR SVC)", "Berkeley 1062B"),
    "PERSON DOWN": ("DOWN - CHECK FOR PERSON DOWN", "Berkeley 1053"),
    "YELLING FOR HELP": ("UNKNOWN TROUBLE", "Berkeley 1067"),
    "FLAG DOWN": ("FLAG DOWN", "Berkeley FLAG"),
    "MUNICIPAL VIOLATION": ("CITY CODE VIOLATION", "Berkeley BMCVIO"),
    "PENAL CODE VIOLATION": ("OTHER OFFENSES", "Berkeley PCVIO"),
    "WIRELESS 911 CALL": ("911 HANG UP", "Berkeley W911"),
    "ASCERTAIN 911 CALL": ("911 HANG UP", "Berkeley A911"),
    "BARKING DOG": ("BARKING DOG", "Berkeley 1091B"),
    "ABANDONED AUTO": ("ABANDONED VEHICLE", "Berkeley 1124"),
    "STOLEN AUTO RECOVERED": ("RECOVERED GTA", "Berkeley RECOVR"),
    "TRANSPORT": ("TRANSPORT/ALL", "Berkeley 1148"),
    "DEATH INVESTIGATION": ("DEATH", "Berkeley DBF"),
    "HARASSING PHONE CALLS": ("HARASSMENT", "Berkeley 653M"),
    "ADVICE": ("INFORMATION FOR POLICE", "Berkeley ADVICE (code not in the list)"),
    "OUTAID": ("OTHER AGENCY ASSIST", "Berkeley OUTAID: outside agency assist"),
    "AID": ("ASSIST CITIZEN", "Berkeley AID: citizen aid"),
    "FOUND": ("FOUND PROPERTY", "Berkeley FOUND"),
    "LOST": ("LOST PROPERTY", "Berkeley LOST"),
    "ANIMAL": ("ANIMAL RELATED EVENT", "Berkeley ANIMAL"),
    "DRUGS": ("DRUG VIOLATIONS", "Berkeley DRUGS"),
    "FALL": ("FALL W SERIOUS HEMORRHAGE", "Berkeley FALL: person fallen"),
    "MED2": ("MEDICAL", "Berkeley MED2"),
    "VEHACC": ("AUTO ACCIDENT", "Berkeley VEHACC"),
    "VIN VERIFICATION": ("INFORMATION/NON-CRIMINAL RPT", "Berkeley VVER"),
    "RESTRAINING ORDER VIOLATION": ("VIOLATION OF PROTECTION ORDER", "Berkeley TROV"),
    "COURT ORDER VIOLATION": ("COURT ORDER VIOLATION", "Berkeley CRTVIO"),
    "LO-JACK": ("PRONET OR LOJACK TRACK", "Berkeley LJ"),
    "FIREARMS DESTRUCTION": ("FOUND GUN", "Berkeley FADEST: firearm turned in"),
    "FOUND JUVENILE": ("FOUND CHILD", "Berkeley FNDJUV"),
    "FOUND PERSON": ("FOUND/ADULT", "Berkeley FNDPER"),
    # Berkeley 2022 offenses
    "ALCOHOL OFFENSE": ("LIQUOR VIOLATIONS - ADULT", "Berkeley 2022"),
    "2ND RESPONSE": ("RETURN FOR ADDITIONAL INFO", "Berkeley 2022"),
    "MUNICIPAL CODE": ("CITY CODE VIOLATION", "Berkeley 2022"),
    # New Orleans (types missing from the 2020 list)
    "MISCELLANEOUS COMPLAINT": ("COMPLAINT OTHER", "New Orleans"),
    "URGENT REQUEST (PD)": ("INCIDENT REQUESTED BY ANOTHER AGENCY", "New Orleans"),
    "PUBLIC SERVICE (PD)": ("ASSIST CITIZEN", "New Orleans"),
    "CIVIL DISPUTE": ("CIVIL MATTER/PRESERVE THE PEACE", "New Orleans"),
    "DOMESTIC DISPUTE": ("DOMESTIC DISTURBANCE", "New Orleans"),
    "PUBLIC GATHERING": ("DISTURBANCE (OTHER)", "New Orleans"),
    "REFERRAL TO MHSD": ("MENTAL PATIENT", "New Orleans: referral to mental-health services"),
    # Lane County MCSLC `Reason for Dispatch` (mobile crisis team)
    "AGITATION OR DISRUPTIVE BEHAVIOR": ("PERSON IN BEHAVIORAL/EMOTIONAL CRISIS", "MCSLC"),
    "SUICIDALITY OR SUICIDE ATTEMPT": ("SUICIDE ATTEMPT", "MCSLC"),
    "DISORGANIZED BEHAVIOR": ("PERSON IN BEHAVIORAL/EMOTIONAL CRISIS", "MCSLC"),
    "NEEDING SOCIAL/MENTAL HEALTH SERVICES": ("MENTAL PATIENT", "MCSLC"),
    "DIFFICULTY FUNCTIONING": ("PERSON IN BEHAVIORAL/EMOTIONAL CRISIS", "MCSLC"),
    "HARM/RISK OF HARM TO SELF/OTHERS/PROPERTY": ("SUICIDE THREAT", "MCSLC"),
    "PARANOIA": ("PERSON IN BEHAVIORAL/EMOTIONAL CRISIS", "MCSLC"),
    "SUBSTANCE USE": ("INTOX & LIQ VIOLS - INTOXICATED PERSON", "MCSLC"),
    "ADULT SOCIAL/INTERPERSONAL PROBLEMS": ("NEIGHBOR PROBLEM", "MCSLC"),
    "TRAUMA": ("PERSON IN BEHAVIORAL/EMOTIONAL CRISIS", "MCSLC: psychological trauma"),
    "RUNNING AWAY": ("JUVENILE - RUNAWAY", "MCSLC"),
    "CONCERNS ABOUT TREATMENT ENGAGEMENT": ("MENTAL PATIENT", "MCSLC"),
}

# ------------------------------------------------------------------------- keyword rules

WEAPON_WORDS = (
    r"(?<!NO )(?<!W/O )(WEAPON|WEAPN|\bWPNS?\b)|\bWP\b|\bWEAP\b|\bGUN\b|(?<!NOT )\bARMED\b"
    r"|(?<!NO )\bSHOT|KNIFE|FIREARM"
)
"""Words that mark a weapon; community-candidate types that mention one are excluded."""


def _screened(pattern: str) -> str:
    """``pattern`` unless the name also mentions a weapon (safety screen)."""
    return rf"^(?!.*(?:{WEAPON_WORDS})).*(?:{pattern})"


RULES: tuple[tuple[str, str, str], ...] = (
    # (category, regex on the normalized name, note) — first match wins
    (
        "other",
        r"WARRANT|\bWNTD\b|CALL ?BACK|SUPPLEMENTAL|RECOVERED|RECOVERY OF|- RECOVERY|LOCATED"
        r"|IN CUSTODY|FOLLOW ?UP|UNABLE TO LOCATE|PEACE RESTORED",
        "warrants, call-backs, follow-ups and recoveries (Vera: Warrants, Callback, Statuses)",
    ),
    (
        "alarm",
        r"^(?!FALSE ALARM OR REPORT).*(ALARM|ALRM|\bALACAD\b)",
        "alarms (before crimes: 'HOLD UP ALARM' is an alarm)",
    ),
    ("other", r"^(?!.*(BARK|NOISE)).*(ANIMAL|\bDOGS?\b|\bK-?9\b|\bCOW\b|\bHORSE\b)", "animals"),
    (
        "intoxicated_person",
        _screened(
            r"^(?!.*(BOATING|DRIVING|DWI|DUI|MINOR|MANSLAUGHTER|ASSAULT)).*"
            r"(INTOX|DRUNK|DETOX|INEBRIAT|SOBERING)"
        ),
        "intoxicated person, detox",
    ),
    (
        "behavioral_health",
        _screened(
            r"SUICID|\bMENTAL|\b5150\b|CRISIS|PSYCH|BEHAVIORAL|EMOTIONAL|OVERDOSE|\bOD\b|JUMPER"
        ),
        "mental health, suicide, overdose",
    ),
    (
        "violent_crime",
        r"ASSAULT|ASLT|BATTERY|ROBBERY|HOMICIDE|MURDER|MANSLAUGHTER|SHOOT|SHOTS|STAB|CUTTING"
        r"|KIDNAP|ABDUCT|RAPE|SEXUAL|SEX OFFENSE|CARJACK|HOSTAGE|DOMESTIC|\bDOM (DISTURB|VIOL)"
        r"|\bDV\b|FIGHT|THREAT|CHILD ABUSE|ADULT ABUSE|MOLEST|SPOUSAL|STRANGL|TRAFFICKING"
        r"|CRUELTY TO JUV|PURSE SNATCH|EXTORT|LEWD|INDECEN|EXPOSING|EXPOSURE|OBSCEN"
        r"|DISTURB\w* PHYSICAL|PHYSICAL DIST",
        "crimes against persons, sex offenses, domestic violence",
    ),
    (
        "welfare_check",
        _screened(
            r"^(?!.*MORALS).*((?<!NO )WELFARE|WELL ?BEING|WELL ?(CK|CHECK)|PERSON DOWN"
            r"|DOWN PERSON|MAN DOWN|SUBJ(ECT)? DOWN)"
        ),
        "welfare and person-down checks",
    ),
    (
        "unhoused_assistance",
        _screened(r"HOMELESS|UNHOUSED|ENCAMP|TRANSIENT|LODGING|CAMPING|PANHANDL|VAGRAN|BEGGING"),
        "homelessness, panhandling",
    ),
    (
        "neighbor_dispute",
        _screened(
            r"NEIGHBOR(?!HOOD)|LANDLORD|TENANT|EVICT|CIVIL|KEEP (THE )?PEACE|STANDBY"
            r"|CHILD CUSTODY|DISPUTE|ARGUMENT"
        ),
        "neighbour, landlord-tenant and civil disputes",
    ),
    (
        "other",
        r"NARCOTIC|DRUG|LIQUOR|ALCOHOL|\bVICE\b|PROSTITUT|SOLICIT|GAMBL|CURFEW|TRUAN",
        "drugs, vice, liquor and status offenses (Vera: Drugs, Liquor, Status Offenses)",
    ),
    (
        "noise_quality_of_life",
        _screened(
            r"NOISE|LOUD|PARTY|FIREWORK|FIRE ?CRACKER|BARKING|MUSIC|NUISANCE|DISTURB"
            r"|QUALITY OF LIFE|LITTER|DUMPING|URINAT|LOITER|\bTRBL\b|TROUBLE W|DISORDERLY"
            r"|MUNICIPAL (CODE|VIOL)|CITY CODE|^(MISC(ELLANEOUS)? )?COMPLAINT|UNWANTED PERSON"
            r"|SKATE"
        ),
        "noise, disturbances, nuisances, disorder",
    ),
    (
        "traffic",
        r"^(?!.*(NON-TRAFFIC|HOME ACC|INDUSTRIAL|OCCUPATIONAL|BOAT)).*(TRAFFIC|COLLISION"
        r"|ACCIDENT(?!AL)|\bACC\b(?! ?\))|\bMVC\b|CRASH|HIT ?(&|AND) ?RUN|\bH&R\b|\bDUI\b"
        r"|\bDWI\b|DRIVING|RECKLESS (DRIV|VEH)|PARKING|PARKED|VEHICLE CODE|ABANDONED (AUTO|VEH|CAR)"
        r"|SPEED|\bTOW|ROAD RAGE|BLOCKING|STALLED|THROWING OBJECT|VEHICLE INTO|AUTO X)",
        "collisions, traffic and parking",
    ),
    (
        "fire",
        r"^(?!.*(ASSIST|REQUESTED BY)).*((?<!NO )\bFIRE\b(?! ?CRACKER)|SMOKE|GAS LEAK|\bODOR\b"
        r"|(?<!NO )HAZMAT|HAZ WASTE|FUEL SPILL|ELECTRICAL HAZARD|RESCUE|\bBURN)",
        "fires and fire-service hazards",
    ),
    (
        "medical",
        r"MEDIC|AMBULANCE|\bEMS\b|(?<!BODILY )INJUR|SICK|BREATH|CHEST PAIN|(?<!ASSET )SEIZURE"
        r"|UNCONSCIOUS|HEMORRHAGE|CARDIAC|STROKE|\bFALL\b|NALOXONE|PREGNAN|DIABET|ALLERG"
        r"|\bCPR\b|C\.P\.R",
        "medical emergencies",
    ),
    (
        "property_crime",
        r"THEFT|BURG|LARCENY|STOLEN|SHOPLIFT|VANDAL|GRAFFITI|CRIM(INAL)? (DAMAGE|MISCHIEF)"
        r"|PROPERTY (DAMAGE|DAM|DEST)|DESTRUCTION|DAMAGE|FRAUD|FORG|EMBEZZL|IDENTITY|BUNCO|SCAM"
        r"|COUNTERFEIT|ARSON|\bUUMV\b|\bUDAA\b|CAR PROWL|PICKPOCKET|BREAK(ING)? (AND|&) ENTER"
        r"|LOOT|TAMPER|\bBMV\b|DEFRAUD|ALTERED CURRENCY",
        "theft, burglary, damage, fraud, arson",
    ),
    (
        "other",
        r"SUSPICIOUS|\bSUSP\b|PROWLER|TRESPASS",
        "suspicion and trespass (Vera: Suspicion, Other Crimes)",
    ),
    (
        "other",
        r"MISSING|RUNAWAY|\bAWOL\b|LOST|FOUND|AMBER|DEATH|DECEASED|\bDEAD\b|\bDOA\b|D\.O\.A",
        "missing persons, lost and found, death reports (Vera: Missing Persons, Statuses)",
    ),
    (
        "violent_crime",
        WEAPON_WORDS + r"|BRANDISH",
        "weapons (after suspicion, drugs and property: Vera files 'suspicious person with "
        "weapon' by its nature)",
    ),
    (
        "other",
        r"ASSIST|INFORMATION|\bINFO\b|\b911\b|HANG ?UP|OPEN LINE|UNKNOWN|^OTHER$|ESCORT"
        r"|TRANSPORT|CONVEY|DETAIL|COURT|PAROLE|PROBATION|PATROL|OFFICER|SUBPOENA|DEMONSTRAT"
        r"|PROTEST|REPOSSESS|HAZARD|BOMB|PACKAGE|WIRES DOWN|FLAG ?DOWN|SECURITY CHECK"
        r"|BUSINESS CHECK|PREMISE|\bSTOP\b|ADMIN|ASSIGN|OUT OF SERVICE|STATION|PURSUIT",
        "statuses, assists, call-related and administrative entries (Vera: Statuses, "
        "Assisting the Public, Call Related Issues)",
    ),
)


# ------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Published:
    """One published call type with its family and derived category."""

    name: str
    family: str
    category: str
    calls: float
    source: str
    why: str


def _family(label: object) -> str | None:
    if not isinstance(label, str) or not label.strip():
        return None
    return " ".join(label.strip().lower().split())


def categorize_published(name: str, family: str) -> tuple[str, str]:
    """A published type's planning category, and the refinement that decided it (if any)."""
    key = normalize(name)
    for families, rx, category, why in REFINEMENTS:
        if family in families and re.search(rx, key):
            return _screen(key, category, why)
    return _screen(key, FAMILY_BASE[family], "")


def _screen(key: str, category: str, why: str) -> tuple[str, str]:
    if category in COMMUNITY and re.search(WEAPON_WORDS, key):
        return "violent_crime", "weapon screen"
    return category, why


def read_vera(source: Path) -> list[Published]:
    """Rows of the Vera/Two Sigma mapping with a family (blank families are skipped)."""
    rows: list[Published] = []
    calltypes = pd.read_csv(source / "CallTypes_TS__CallTypes.csv")
    for rec in calltypes.itertuples(index=False):
        name, family = str(rec[2]), _family(rec[4])
        if family is None or name.endswith("..."):
            continue
        cat, why = categorize_published(name, family)
        rows.append(Published(name, family, cat, float(rec[3]), f"Vera {rec[0]}", why))
    examples = pd.read_csv(source / "CallTypes_TS__Vera_Types.csv")
    for rec in examples.itertuples(index=False):
        name, family = str(rec[0]), _family(rec[1])
        if family is None or name == "nan" or name.endswith("..."):
            continue
        cat, why = categorize_published(name, family)
        rows.append(Published(name, family, cat, 0.0, "Vera examples", why))
    return rows


def read_nicjr(source: Path) -> dict[str, str]:
    """NICJR Seattle call type → crime category code (NC, MISD, NV FEL, SV FEL)."""
    table = pd.read_csv(source / "nicjr_seattle_2021_appendixB_calltype_crime_category.csv")
    return {
        normalize(str(r.spd_call_final_description)): str(r.nicjr_crime_category_code)
        for r in table.itertuples(index=False)
    }


def resolve_exact(rows: list[Published]) -> tuple[dict[str, Published], int]:
    """One entry per normalized name: the family with the most calls wins."""
    by_name: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    first: dict[tuple[str, str], Published] = {}
    for row in rows:
        key = normalize(row.name)
        by_name[key][row.category] += row.calls + 1e-9
        first.setdefault((key, row.category), row)
    out: dict[str, Published] = {}
    conflicts = 0
    for key, cats in by_name.items():
        conflicts += len(cats) > 1
        best = max(cats.items(), key=lambda kv: kv[1])[0]
        out[key] = first[(key, best)]
    return out, conflicts


# ---------------------------------------------------------------------------- assembling


def build(source: Path) -> tuple[Taxonomy, dict[str, object]]:
    """The taxonomy and the statistics written into the TOML's comments."""
    vera = read_vera(source)
    exact, conflicts = resolve_exact(vera)
    nicjr = read_nicjr(source)
    equivalents: dict[str, Published] = {}
    problems = []
    for shipped, (published, where) in EQUIVALENTS.items():
        target = exact.get(normalize(published))
        key = normalize(shipped)
        if target is None:
            problems.append(f"equivalent {published!r} for {shipped!r} is not a published type")
            continue
        if key in exact and exact[key].category != target.category:
            problems.append(f"{shipped!r} is published already as {exact[key].category}")
            continue
        equivalents.setdefault(
            key,
            Published(shipped, target.family, target.category, 0.0, where, f"≈ {target.name}"),
        )
    if problems:
        raise SystemExit("\n".join(problems))
    rules = tuple(Rule(category=c, regex=rx, note=note) for c, rx, note in RULES)
    categories = {
        k: {"label": v[0], "group": v[1], "community_candidate": v[2], "description": v[3]}
        for k, v in CATEGORY_INFO.items()
    }
    entries = {k: p.category for k, p in exact.items()}
    entries.update({k: p.category for k, p in equivalents.items() if k not in exact})
    taxonomy = Taxonomy.model_validate(
        {
            "version": 1,
            "name": "sim-default-v1",
            "default_category": "other",
            "categories": categories,
            "exact": dict(sorted(entries.items())),
            "rules": rules,
        }
    )
    stats = _statistics(taxonomy, exact, nicjr)
    stats["conflicts"] = conflicts
    stats["published"] = len(exact)
    stats["equivalents"] = {k: equivalents[k] for k in sorted(equivalents) if k not in exact}
    stats["exact_info"] = exact
    return taxonomy, stats


def _statistics(
    taxonomy: Taxonomy, exact: dict[str, Published], nicjr: dict[str, str]
) -> dict[str, object]:
    """Rule agreement with the published types, and NICJR crime classes per category."""
    rules_only = taxonomy.model_copy(update={"exact": {}})
    per_rule: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    agree = total = 0
    for key, pub in exact.items():
        m = classify(key, rules_only)
        if m.rule is None:
            continue
        total += 1
        per_rule[m.rule][0] += 1
        if m.category == pub.category:
            agree += 1
            per_rule[m.rule][1] += 1
    nicjr_by_cat: dict[str, Counter[str]] = defaultdict(Counter)
    nicjr_via_rules = 0
    for key, crime in nicjr.items():
        m = classify(key, taxonomy)
        nicjr_by_cat[m.category][crime] += 1
        nicjr_via_rules += m.via == "rule"
    return {
        "rule_agreement": agree / total if total else 1.0,
        "rule_matched": total,
        "per_rule": dict(per_rule),
        "nicjr_by_category": {k: dict(v) for k, v in nicjr_by_cat.items()},
        "nicjr_total": len(nicjr),
        "nicjr_via_rules": nicjr_via_rules,
    }


# ------------------------------------------------------------------------------- writing


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=True)


def render(taxonomy: Taxonomy, stats: dict[str, object]) -> str:
    """The TOML text, with comments that cite the sources and the checks."""
    per_rule = stats["per_rule"]
    nicjr_by_cat = stats["nicjr_by_category"]
    equivalents = stats["equivalents"]
    exact_info = stats["exact_info"]
    assert isinstance(per_rule, dict) and isinstance(nicjr_by_cat, dict)
    assert isinstance(equivalents, dict) and isinstance(exact_info, dict)
    lines = [
        "# sim default call-type taxonomy — GENERATED by `python scripts/build_taxonomy.py`;",
        "# edit the script (or copy this file and pass your copy), not this file.",
        "#",
        "# Sources:",
        "#  * Vera Institute of Justice / Two Sigma Data Clinic, 911 call-type taxonomy",
        "#    (github.com/tsdataclinic/Vera, data/interim/CallTypes_TS.xlsx, MIT licence):",
        "#    3,227 raw call types from Charleston, Dallas, Detroit, New Orleans and Seattle",
        "#    mapped to call families, plus 495 example types.",
        "#  * National Institute for Criminal Justice Reform (NICJR), 'Seattle Calls for Service",
        "#    Analysis' (June 2021), Appendix B: 348 SPD call types with crime category and",
        "#    default response tier (Non-Criminal = Tier 1, civilian responders only).",
        "#",
        f"# {stats['published']} exact names come from the Vera mapping (family → category, then",
        "# family-scoped refinements and a weapon screen; see build_taxonomy.py);",
        f"# {stats['conflicts']} names listed under different families resolve to the family",
        "# with most calls. Shipped extracts' types the lists lack are added as equivalents of a",
        "# published type (comment gives the published type).",
        f"# Rules agree with {stats['rule_agreement']:.1%} of the {stats['rule_matched']} "
        "published types they match.",
        f"# NICJR: {stats['nicjr_via_rules']} of {stats['nicjr_total']} Seattle types are "
        "classified by rules (the rest by exact names).",
        "#",
        "# Matching: case-insensitive, spaces collapsed, leading '-' and '*' dropped;",
        "# an exact name wins, then the first matching rule, else default_category.",
        "",
        f"version = {taxonomy.version}",
        f"name = {_q(taxonomy.name)}",
        f"default_category = {_q(taxonomy.default_category)}",
        "",
    ]
    for key, cat in taxonomy.categories.items():
        classes = nicjr_by_cat.get(key, {})
        n = sum(classes.values())
        nc = classes.get("NC", 0)
        lines.append(f"[categories.{key}]")
        if n:
            mix = ", ".join(f"{c} {k}" for c, k in sorted(classes.items()))
            lines.append(f"# NICJR Seattle types here: {n} ({mix}); non-criminal {nc / n:.0%}")
        lines += [
            f"label = {_q(cat.label)}",
            f"group = {_q(cat.group)}",
            f"community_candidate = {'true' if cat.community_candidate else 'false'}",
            f"description = {_q(cat.description)}",
            "",
        ]
    for i, rule in enumerate(taxonomy.rules):
        matched, agreed = per_rule.get(i, [0, 0])
        share = f"{agreed / matched:.0%}" if matched else "n/a"
        lines += [
            "[[rules]]",
            f"# matches {matched} published types; agrees with {agreed} ({share})",
            f"category = {_q(rule.category)}",
            f"regex = {_q(rule.regex or '')}",
            f"note = {_q(rule.note)}",
            "",
        ]
    lines.append("[exact]")
    by_cat: dict[str, list[str]] = defaultdict(list)
    for name, cat_key in taxonomy.exact.items():
        by_cat[cat_key].append(name)
    for cat_key in taxonomy.categories:
        names = by_cat.get(cat_key, [])
        if not names:
            continue
        lines.append(f"# --- {cat_key} ({len(names)})")
        for name in names:
            comment = ""
            if name in equivalents:
                p = equivalents[name]
                comment = f"  # {p.source}: {p.why} ({p.family})"
            elif exact_info[name].why:
                comment = f"  # {exact_info[name].family}: {exact_info[name].why}"
            lines.append(f"{_q(name)} = {_q(cat_key)}{comment}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Build (or with ``--check`` verify) the shipped taxonomy TOML."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="fail if --out is out of date")
    args = parser.parse_args(argv)
    if not (args.source / "CallTypes_TS__CallTypes.csv").is_file():
        print(f"error: published mappings not found in {args.source}", file=sys.stderr)
        return 2
    taxonomy, stats = build(args.source)
    agreement = float(stats["rule_agreement"])  # type: ignore[arg-type]
    if agreement < MIN_RULE_AGREEMENT:
        print(f"error: rules agree with only {agreement:.1%} of published types", file=sys.stderr)
        return 1
    text = render(taxonomy, stats)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date; rerun without --check", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    tmp = args.out.with_suffix(".toml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    print(
        f"wrote {args.out}: {len(taxonomy.exact)} exact names, {len(taxonomy.rules)} rules; "
        f"rules agree with {agreement:.1%} of {stats['rule_matched']} published types"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
