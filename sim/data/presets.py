"""Built-in column mappings for export formats we have seen, detected from the header.

Each preset is a :class:`ColumnMapping` plus the set of header columns that identify the
format. Any other export works through a mapping TOML file (see :mod:`sim.data.mapping`).
The notes on each preset say what the export can and cannot tell a model.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.data.mapping import ColumnMapping, TimeOffset


@dataclass(frozen=True)
class Preset:
    """A known export format: its mapping and the header columns that identify it."""

    mapping: ColumnMapping
    signature: frozenset[str]
    source: str


def fold_name(name: str) -> str:
    """A column name compared case- and spacing-insensitively."""
    return " ".join(name.lower().split())


def _preset(signature: set[str], source: str, **mapping: object) -> Preset:
    return Preset(
        mapping=ColumnMapping.model_validate(mapping),
        signature=frozenset(fold_name(c) for c in signature),
        source=source,
    )


PRESETS: dict[str, Preset] = {
    "milwaukee": _preset(
        {"id", "time", "location", "nature", "status"},
        "City of Milwaukee police calls-for-service feed "
        "(github.com/eisenivan/mke-calls-for-service)",
        name="milwaukee",
        description="Milwaukee Police Department calls for service",
        received="time",
        call_type="nature",
        call_id="id",
        agency_name="MPD",
        notes=(
            "Milwaukee: call time only (no dispatch, arrival or clear times)",
            "Milwaukee: officer-initiated activity is not flagged; it is recognised by call type",
        ),
    ),
    "milwaukee_2023": _preset(
        {"call_number", "call_datetime", "nature", "final_nature", "district", "final_status"},
        "MPD public calls-for-service log, scraped Feb–May 2023 (github.com/RajibAlam43/"
        "milwaukee911), one row per CAD call number",
        name="milwaukee_2023",
        description="Milwaukee Police Department calls for service, Feb–May 2023",
        received="call_datetime",
        call_type="nature",
        call_id="call_number",
        agency_name="MPD",
        notes=(
            "Milwaukee 2023: call creation time only (no dispatch, arrival or clear times, "
            "no priority)",
            "Milwaukee 2023: officer-initiated and administrative activity (traffic stops, "
            "business checks, return to station …) is included but not flagged; it is "
            "recognised by call type",
            "Milwaukee 2023: the public log withholds about 30% of CAD numbers (sensitive "
            "types, cancelled and duplicate numbers); 2023-03-15 is missing (scraper outage)",
        ),
    ),
    "phoenix_2019": _preset(
        {"incident_num", "call_datetime", "final_radio_code", "final_call_type", "disp_code"},
        "Phoenix Police Department calls for service, one week (phoenixopendata.com via "
        "github.com/cronkitedata/cronkite-docs)",
        name="phoenix_2019",
        description="Phoenix Police Department citizen-generated dispatched calls",
        received="call_datetime",
        call_type="final_call_type",
        call_id="incident_num",
        agency_name="PPD",
        notes=(
            "Phoenix 2019: call received time only (no dispatch, arrival or clear times, no "
            "priority); the call type is the final one",
            "Phoenix 2019: citizen-generated dispatched calls only (the city's dataset "
            "excludes officer-initiated and non-dispatched calls); Thanksgiving week",
        ),
    ),
    "san_francisco_fire": _preset(
        {"Call Number", "Unit ID", "Received DtTm", "On Scene DtTm", "Available DtTm"},
        "DataSF Fire Department Calls for Service (nuek-vuh3)",
        name="san_francisco_fire",
        description="San Francisco Fire Department calls (one row per responding unit)",
        received="Received DtTm",
        dispatched="Dispatch DtTm",
        enroute="Response DtTm",
        arrived="On Scene DtTm",
        cleared="Available DtTm",
        call_type="Call Type",
        priority="Final Priority",
        priority_map={"3": 1, "2": 2},
        call_id="Call Number",
        agency_name="SFFD",
        travel_from="enroute",
        notes=(
            "San Francisco Fire: unit rows merged per call (first unit dispatched, en route "
            "and on scene; last unit available), so cleared includes transport and hospital time",
            "San Francisco Fire: priority normalised so 1 = emergency (SFFD codes 3) and "
            "2 = non-emergency (SFFD code 2)",
        ),
    ),
    "seattle_911_incident_response": _preset(
        {"CAD Event Number", "Event Clearance Date", "Initial Type Description", "At Scene Time"},
        "data.seattle.gov Seattle Police Department 911 Incident Response (older dataset)",
        name="seattle_911_incident_response",
        description="Seattle Police Department 911 incident response",
        received="Event Clearance Date",
        arrived="At Scene Time",
        cleared="Event Clearance Date",
        call_type=("Initial Type Description", "Event Clearance Description"),
        call_id="CAD Event Number",
        agency_name="SPD",
        received_is_proxy=True,
        notes=(
            "Seattle: no call-received time; received is the event clearance time (a proxy "
            "that lags the call by its response and on-scene time); use for call-type mix and "
            "on-scene time (arrived to cleared), not arrival rates by hour",
            "Seattle: call_type is the initial (dispatch) type, final type when missing",
        ),
    ),
    "berkeley_daily_log_2014": _preset(
        {"call_datetime", "call_type_code", "incident_no"},
        "City of Berkeley daily call-incident logs 2014 (github.com/JohnB/berkeley_police_calls)",
        name="berkeley_daily_log_2014",
        description="Berkeley Police Department daily call/incident log",
        received="call_datetime",
        call_type="call_type_code",
        call_id="incident_no",
        agency_name="BPD",
        call_type_names_file="berkeley_police_codes.txt",
        # The code list spells reckless driving "21303"; the log uses CVC 23103.
        call_type_names={"23103": "Reckless Driving"},
        notes=(
            "Berkeley 2014: call creation time only; includes officer-initiated stops "
            "(recognised by call type)",
            "Berkeley 2014: codes translated with berkeley_police_codes.txt; codes missing "
            "from the list (e.g. ADVICE, AID, FOUND) stay as codes",
        ),
    ),
    "berkeley_calls_2022": _preset(
        {"CASENO", "OFFENSE", "EVENTDT", "EVENTTM", "CVLEGEND"},
        "City of Berkeley open data, Berkeley PD Calls for Service (via DS-100 bootcamp)",
        name="berkeley_calls_2022",
        description="Berkeley Police Department case-numbered calls (offenses)",
        received=("EVENTDT", "EVENTTM"),
        call_type="OFFENSE",
        call_id="CASENO",
        agency_name="BPD",
        notes=(
            "Berkeley 2022: only case-numbered (offense) calls; the event time may be when "
            "the offense occurred rather than when it was called in; no dispatch or "
            "arrival times",
        ),
    ),
    "new_orleans": _preset(
        {"NOPD_Item", "TypeText", "TimeCreate", "TimeDispatch", "TimeArrive", "TimeClosed"},
        "data.nola.gov NOPD Calls for Service",
        name="new_orleans",
        description="New Orleans Police Department calls for service",
        received="TimeCreate",
        dispatched="TimeDispatch",
        arrived="TimeArrive",
        cleared="TimeClosed",
        call_type=("InitialTypeText", "TypeText"),
        priority="InitialPriority",
        priority_order="descending",
        officer_initiated="SelfInitiated",
        call_id="NOPD_Item",
        agency_name="NOPD",
        notes=(
            "New Orleans: minute resolution; call_type and priority are the initial "
            "(dispatch) values; priority is the leading digit of codes like '2C'",
            "New Orleans: a higher NOPD priority is more urgent (shootings are 2, most "
            "reports 1), so levels are renumbered from the highest: NOPD 3 → 1, 2 → 2, "
            "1 → 3, 0 → 4",
        ),
    ),
    "mcslc_mobile_crisis": _preset(
        {"Dispatch Request Date & Time", "Arrival on Scene Date & Time", "Reason for Dispatch #1"},
        "Mobile Crisis Services of Lane County export (github.com/AchieveMars88/CAHOOTS-...)",
        name="mcslc_mobile_crisis",
        description="Lane County (Eugene/Springfield) civilian mobile crisis team dispatches",
        received="Dispatch Request Date & Time",
        dispatched="Dispatch Date & Time",
        arrived="Arrival on Scene Date & Time",
        cleared="MCIT Departure Date & Time",
        call_type="Reason for Dispatch #1",
        call_id="ID",
        agency_name="MCSLC",
        midnight_is_missing=True,
        notes=(
            "MCSLC: missing times are written as 0:00 on the call's date and are read as "
            "missing (a real call at exactly midnight is lost too)",
            "MCSLC: all calls are mobile-crisis dispatches; cleared is the team's departure",
        ),
    ),
    "mcslc_mobile_crisis_clean": _preset(
        {"Call Time", "Nature", "Closed As", "Seconds to Arrival"},
        "Student-cleaned MCSLC export with weather join (same repository)",
        name="mcslc_mobile_crisis_clean",
        description="Lane County mobile crisis calls, cleaned extract",
        received="Call Time",
        arrived=TimeOffset(offset="Seconds to Arrival", unit="s", after="received"),
        call_type="Nature",
        call_id="ID",
        agency_name="MCSLC",
        notes=(
            "MCSLC clean: arrival is Call Time + Seconds to Arrival; no dispatch or "
            "departure times (use the raw MCSLC export for those)",
        ),
    ),
}
"""Built-in presets by name."""


def detect_preset(header: list[str]) -> Preset | None:
    """The preset whose signature columns all appear in ``header`` (most specific wins)."""
    have = {fold_name(h) for h in header}
    matches = [p for p in PRESETS.values() if p.signature <= have]
    if not matches:
        return None
    return max(matches, key=lambda p: len(p.signature))
