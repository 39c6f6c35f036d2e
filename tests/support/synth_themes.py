"""Phrase pools for SYNTHETIC benchmark cases (tests/support/synth.py): invented wording, no real case text.

Each theme has title phrases, incident sentences, findings, recommended actions and what a force
did in response. Slots in braces ({who}, {place}, {time}, {force}, {n}) are filled by the generator.
"""

from __future__ import annotations

WHO = (
    "a man in his thirties",
    "a woman aged 42",
    "a 17-year-old boy",
    "a man aged 58",
    "a woman in her twenties",
    "an older man with dementia",
    "a 15-year-old girl",
    "a man known to local officers",
    "a woman who had reported earlier incidents",
    "a man with a history of self-harm",
)
PLACE = (
    "a retail park",
    "the town centre",
    "a residential street",
    "a railway station",
    "a custody suite",
    "a motorway slip road",
    "a hospital car park",
    "a block of flats",
    "a rural lane",
    "a night-time venue",
)
TIME = (
    "shortly after midnight",
    "in the early evening",
    "during a busy Saturday afternoon",
    "just before 3am",
    "on a weekday morning",
    "late at night",
    "during a shift handover",
    "in the early hours",
)

GENERIC_EVENTS = (
    "The incident took place at {place} {time}.",
    "Officers were deployed to {place} after a call from a member of the public.",
    "A supervisor was informed by radio and asked for updates as the situation developed.",
    "The control room log recorded several calls about {who} over the preceding hour.",
    "Body worn video captured most of the interaction, although one officer started recording late.",
    "The investigation examined radio transmissions, call recordings and the officers' accounts.",
    "Statements were taken from witnesses who were present at {place}.",
    "The officers involved had completed their mandatory training within the previous year.",
)
GENERIC_FINDINGS = (
    "The investigation found that local guidance had not been updated to reflect national practice.",
    "Several officers said they were unsure which policy applied in these circumstances.",
    "The investigation identified organisational learning rather than individual failings.",
    "Records were incomplete, which made it difficult to establish the sequence of events.",
    "Supervisors did not routinely check whether the required actions had been completed.",
)

THEMES: dict[str, dict[str, tuple[str, ...]]] = {
    "custody": {
        "titles": (
            "Care of a detained person in custody",
            "Cell checks and rousing in custody",
            "Custody risk assessment on booking in",
        ),
        "events": (
            "{who} was arrested {time} and taken to the custody suite.",
            "The detention officer recorded that the detainee was intoxicated and unsteady on arrival.",
            "Cell checks were scheduled every 30 minutes but two checks were recorded "
            "without the detainee being roused.",
            "The custody sergeant did not complete the risk assessment before the detainee was placed in a cell.",
            "Later the detainee was found unresponsive in the cell and an ambulance was called.",
        ),
        "findings": (
            "Staff had not followed the rousing requirements in the custody policy.",
            "The handover between custody sergeants did not pass on the detainee's risk level.",
            "Custody CCTV showed the cell hatch was opened but the detainee was not spoken to.",
        ),
        "actions": (
            "review its custody rousing procedure so that intoxicated detainees are roused "
            "and spoken to at every check",
            "ensure custody handovers include each detainee's risk assessment "
            "and the reasons for their observation level",
            "audit custody records to confirm that cell checks are completed and recorded accurately",
            "provide refresher training to detention officers on the signs of head injury and intoxication",
        ),
        "done": (
            "introduced a custody handover checklist",
            "issued revised guidance on rousing detainees",
            "completed an audit of cell check records",
            "delivered refresher training to custody staff",
        ),
    },
    "domestic abuse": {
        "titles": (
            "Response to a report of domestic abuse",
            "Handling of repeat domestic abuse calls",
            "Risk assessment of a domestic abuse victim",
        ),
        "events": (
            "{who} called 999 {time} to report that a former partner was outside the address.",
            "The call handler graded the call as a priority response but no unit was available.",
            "Attending officers spoke to both parties and left without completing a DASH risk assessment.",
            "The victim had reported three previous incidents involving the same suspect.",
            "Checks on police systems for previous incidents were not carried out before officers left.",
        ),
        "findings": (
            "Officers did not identify the pattern of repeat victimisation.",
            "The DASH risk assessment was completed hours later and underestimated the risk.",
            "No referral was made to the multi-agency risk assessment conference.",
        ),
        "actions": (
            "remind officers that a DASH risk assessment must be completed "
            "at the scene of every domestic abuse incident",
            "ensure call handlers check for previous domestic abuse reports before grading a call",
            "review its domestic abuse training so that officers recognise coercive and controlling behaviour",
            "ensure victims who report repeat incidents are referred to specialist domestic abuse services",
        ),
        "done": (
            "updated its domestic abuse training package",
            "added a repeat victim flag to its command and control system",
            "issued a reminder to all response officers about DASH",
            "reviewed its referral process with partner agencies",
        ),
    },
    "vehicle pursuits": {
        "titles": (
            "Police pursuit ending in a collision",
            "Authorisation of a vehicle pursuit",
            "Tactical options during a pursuit",
        ),
        "events": (
            "Officers in a marked car tried to stop a vehicle on {place} {time}.",
            "The driver failed to stop and a pursuit began without authorisation from the control room.",
            "The pursuit continued through a 30mph zone at speeds of up to 70mph.",
            "The pursued vehicle lost control and collided with a parked car.",
            "The police driver was not trained to the level required for pursuits.",
        ),
        "findings": (
            "The pursuit was not declared promptly to the control room.",
            "The tactical pursuit commander was not given enough information to assess the risk.",
            "The officer's driving permit did not allow engagement in a pursuit.",
        ),
        "actions": (
            "remind drivers that every pursuit must be declared to the control room immediately",
            "ensure tactical pursuit commanders record their risk assessment and the reasons to continue or stop",
            "review its driver training records so that only suitably trained drivers engage in pursuits",
            "share the learning from this case with all response drivers through a briefing",
        ),
        "done": (
            "briefed all response drivers on pursuit declaration",
            "added a mandatory risk log for pursuit commanders",
            "audited driver permits across the force",
            "updated its pursuits policy",
        ),
    },
    "use of force": {
        "titles": (
            "Use of Taser on a man in crisis",
            "Use of force during an arrest",
            "Restraint and positional asphyxia risk",
        ),
        "events": (
            "Officers were called to {place} where {who} was said to be acting aggressively.",
            "One officer drew a Taser and discharged it after a single warning.",
            "The man was restrained on the ground in the prone position for several minutes.",
            "Officers did not reassess his breathing once he was handcuffed.",
            "A use of force form was completed by only one of the three officers present.",
        ),
        "findings": (
            "The prone restraint continued longer than necessary.",
            "Officers did not consider de-escalation before using the Taser.",
            "Use of force records were incomplete and were not reviewed by a supervisor.",
        ),
        "actions": (
            "reinforce training on the risks of prolonged prone restraint and the need to monitor breathing",
            "ensure every officer who uses force completes a use of force record before the end of their shift",
            "review how supervisors scrutinise Taser discharges and use of force records",
            "include de-escalation and communication skills in its officer safety training",
        ),
        "done": (
            "updated officer safety training on prone restraint",
            "introduced supervisor review of every Taser discharge",
            "ran a campaign on completing use of force records",
            "added de-escalation scenarios to training",
        ),
    },
    "mental health": {
        "titles": (
            "Police response to a person in mental health crisis",
            "Use of section 136 powers",
            "Welfare check on a vulnerable adult",
        ),
        "events": (
            "A relative called {time} to say that {who} had stopped taking medication.",
            "Officers found the person at {place} and detained them under section 136 of the Mental Health Act.",
            "The person waited in a police vehicle for over four hours for a place of safety.",
            "Officers did not seek advice from the mental health triage service.",
            "The welfare check was closed without contact with the person being established.",
        ),
        "findings": (
            "The place of safety protocol with the health trust was not followed.",
            "Officers did not record their assessment of the person's capacity.",
            "The call was closed before the person's welfare had been confirmed.",
        ),
        "actions": (
            "agree with its health partners how long a person detained under section 136 may wait before escalation",
            "remind officers of the mental health triage service and when to seek its advice",
            "ensure welfare checks are not closed until contact with the person has been made or the risk reassessed",
            "review its guidance on recording decisions about mental capacity",
        ),
        "done": (
            "agreed an escalation protocol with the health trust",
            "relaunched its mental health triage service",
            "changed the closure rules for welfare checks",
            "published new guidance on mental capacity",
        ),
    },
    "missing persons": {
        "titles": (
            "Handling of a missing person report",
            "Risk grading of a missing child",
            "Search for a missing vulnerable adult",
        ),
        "events": (
            "{who} was reported missing {time} by a family member.",
            "The report was graded as medium risk despite information about previous suicidal thoughts.",
            "No search was made of the home address in the first hours.",
            "The missing person investigation was handed over twice without a review by an inspector.",
            "The person was later found at {place}.",
        ),
        "findings": (
            "The risk grading did not take into account all the information available.",
            "Search activity was not recorded in the missing person log.",
            "Supervisory reviews of the investigation were not carried out on time.",
        ),
        "actions": (
            "review how missing person reports are risk graded so that known vulnerabilities are taken into account",
            "ensure an early search of the home address is made in every missing person investigation",
            "ensure supervisors review missing person investigations at the required intervals",
            "remind officers to record all search activity in the missing person log",
        ),
        "done": (
            "revised its missing person risk grading guidance",
            "introduced a home address search prompt",
            "set reminders for supervisory reviews",
            "trained call handlers on missing person risk",
        ),
    },
    "stop and search": {
        "titles": (
            "Stop and search of a young man",
            "Grounds for a stop and search",
            "Recording of stop and search encounters",
        ),
        "events": (
            "Officers stopped {who} at {place} and carried out a search for drugs.",
            "The grounds given for the search were the smell of cannabis alone.",
            "No record of the search was given to the person searched.",
            "Body worn video was not switched on until part way through the encounter.",
            "Nothing was found and the person complained about how they had been treated.",
        ),
        "findings": (
            "The grounds for the search were not recorded clearly.",
            "Officers did not explain the reasons for the search as required by the code of practice.",
            "Supervisors did not dip-sample stop and search records for quality.",
        ),
        "actions": (
            "remind officers that the smell of cannabis alone should not ordinarily be the only ground for a search",
            "ensure body worn video is switched on before a stop and search begins",
            "introduce supervisory dip-sampling of stop and search records",
            "review its community scrutiny arrangements for stop and search",
        ),
        "done": (
            "issued guidance on the grounds for search",
            "made body worn video mandatory for every stop and search",
            "introduced monthly dip-sampling of records",
            "expanded its community scrutiny panel",
        ),
    },
    "call handling": {
        "titles": (
            "Call handling and grading of an emergency call",
            "Response to a 999 call",
            "Delay in attending an emergency",
        ),
        "events": (
            "{who} made a 999 call {time} and the line went silent.",
            "The call handler did not use the silent solution procedure.",
            "The call was graded as a scheduled appointment rather than an emergency.",
            "Officers arrived more than two hours after the first call.",
            "A second caller reported shouting from {place}.",
        ),
        "findings": (
            "The call grading did not reflect the threat, harm and risk described by the caller.",
            "The control room supervisor was not told about the second call.",
            "Call handlers had not received refresher training on the THRIVE model.",
        ),
        "actions": (
            "review the training of call handlers on grading calls with the THRIVE model",
            "ensure silent 999 calls are handled in line with national guidance",
            "ensure linked calls are brought to the attention of a control room supervisor",
            "audit a sample of graded calls each month for the quality of the risk assessment",
        ),
        "done": (
            "retrained call handlers on THRIVE",
            "updated its silent call procedure",
            "added automatic linking of calls from the same address",
            "introduced monthly call grading audits",
        ),
    },
    "property and exhibits": {
        "titles": ("Handling of seized property", "Loss of an exhibit", "Return of property to its owner"),
        "events": (
            "Officers seized a mobile phone and cash from {who} during an arrest.",
            "The items were booked into the property store but the seal numbers were not recorded.",
            "The exhibit could not be found when it was needed for the court hearing.",
            "The property system showed the item as returned although the owner had not received it.",
            "Property store staff said the store was at capacity and items were held in temporary lockers.",
        ),
        "findings": (
            "The chain of custody for the exhibit could not be shown.",
            "Audits of the property store had not been completed for over a year.",
            "Officers were unclear about the process for returning property.",
        ),
        "actions": (
            "audit its property stores and reconcile the property system with the items held",
            "ensure seal numbers are recorded whenever an exhibit is booked in or out",
            "provide guidance to officers on the return of seized property",
            "review the capacity of its property stores and the use of temporary lockers",
        ),
        "done": (
            "completed a full audit of its property stores",
            "made seal numbers a mandatory field",
            "published a guide on returning property",
            "opened additional property storage",
        ),
    },
    "spit and bite guards": {
        "titles": (
            "Use of a spit and bite guard",
            "Application of a spit guard to a child",
            "Monitoring a person wearing a spit guard",
        ),
        "events": (
            "Officers applied a spit and bite guard to {who} after being spat at.",
            "The person was then placed in a police van for transport.",
            "Officers did not monitor the person's breathing during the journey.",
            "The spit guard remained in place for over 40 minutes.",
            "The person said they could not breathe properly.",
        ),
        "findings": (
            "The spit guard was not removed once the risk had passed.",
            "Officers had not been trained on the additional risks for children.",
            "The use of the spit guard was not recorded on the use of force form.",
        ),
        "actions": (
            "remind officers that a spit and bite guard should be removed as soon as the risk has passed",
            "ensure officers monitor the breathing of anyone wearing a spit guard, especially in a vehicle",
            "review its guidance on the use of spit guards on children",
            "ensure every use of a spit guard is recorded and reviewed by a supervisor",
        ),
        "done": (
            "issued guidance on removing spit guards promptly",
            "added spit guard monitoring to officer safety training",
            "restricted the use of spit guards on children",
            "introduced supervisor review of spit guard use",
        ),
    },
    "body-worn video": {
        "titles": (
            "Use of body worn video during an arrest",
            "Retention of body worn video footage",
            "Body worn video after a serious incident",
        ),
        "events": (
            "Two of the officers present did not activate body worn video at {place}.",
            "Footage that was recorded was not retained beyond the standard 31 days.",
            "Officers viewed footage together before giving their accounts.",
            "The footage was later needed for a complaint made by {who}.",
            "One camera had a flat battery at the start of the shift.",
        ),
        "findings": (
            "The force policy did not say when officers must activate their cameras.",
            "Footage was not marked as evidential when a complaint was likely.",
            "Officers conferred while viewing footage after a serious incident.",
        ),
        "actions": (
            "make clear in its policy when officers must switch on body worn video",
            "ensure footage is marked for retention when a complaint or investigation is likely",
            "ensure officers do not view footage together before giving accounts after a serious incident",
            "check body worn video cameras are charged and working at the start of each shift",
        ),
        "done": (
            "rewrote its body worn video policy",
            "added retention prompts to the footage system",
            "briefed officers on viewing footage after serious incidents",
            "introduced start-of-shift camera checks",
        ),
    },
    "firearms": {
        "titles": (
            "Armed response to a report of a weapon",
            "Deployment of armed officers",
            "Command of a firearms incident",
        ),
        "events": (
            "A caller reported seeing {who} with what looked like a handgun at {place}.",
            "A tactical firearms commander authorised the deployment of armed officers {time}.",
            "The weapon was later found to be an imitation firearm.",
            "The firearms commander's decision log was not completed at the time.",
            "Armed officers were given an incorrect address by the control room.",
        ),
        "findings": (
            "Decisions were not recorded contemporaneously in the command log.",
            "The briefing given to armed officers did not include all the available intelligence.",
            "Address details were not confirmed before officers were deployed.",
        ),
        "actions": (
            "ensure firearms commanders record their decisions and rationale at the time they are made",
            "review how intelligence is passed to armed officers before deployment",
            "ensure the control room confirms address details before deploying armed officers",
            "hold a structured debrief after every firearms deployment",
        ),
        "done": (
            "introduced an electronic decision log for commanders",
            "revised its firearms briefing template",
            "added an address confirmation step for the control room",
            "held debriefs after each deployment",
        ),
    },
}

RATIONALE = (
    "This follows an investigation into the events at {place}, which found gaps in practice.",
    "The IOPC considers that this would reduce the risk of a similar incident happening again.",
    "The learning is relevant to all officers and staff who may face similar situations.",
    "The recommendation is intended to protect members of the public as well as officers.",
    "{force} should report back on the steps it has taken within 56 days.",
    "Consideration should be given to sharing this learning with neighbouring forces.",
    "The investigation found that current guidance was not widely understood.",
)
NOT_ACCEPTED = (
    "considers that its existing policy already covers this",
    "does not have the resources to implement this at present",
    "believes national guidance already addresses the issue",
)
PARTIAL = (
    "has implemented part of the recommendation and is reviewing the rest",
    "has agreed the principle but will phase the change over the next year",
)
