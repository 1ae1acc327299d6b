"""Every user-facing text, in Dutch (default) and English. Nothing user-facing lives elsewhere.

A counted text has a key per CLDR plural category (``….one``, ``….other``; the portfolio tab's
script picks them the same way) and is asked for by its stem with a ``count``: the category is
chosen by the language's plural rules (Babel), never by writing "actie(s)".
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from babel import Locale, lists

Language = Literal["nl", "en"]

MESSAGES: dict[str, dict[Language, str]] = {
    # welcome and help
    "welcome.title": {"nl": "Welkom bij de Wasstraat", "en": "Welcome to the Wasstraat"},
    "welcome.body": {
        "nl": "Ik begeleid het traject van tien stappen om een proces te verbeteren vanuit de "
        "inwoner: LEAN, serviceformules en klantreizen. Ik houd bij wie waaraan werkt, stuur "
        "iedereen op tijd een kaart met wat er van hem of haar gevraagd wordt, verzamel "
        "akkoorden en vergeet het evaluatiemoment niet.",
        "en": "I guide the ten-step trajectory for improving a process from the resident's point "
        "of view: LEAN, service formulas and customer journeys. I keep track of who is working on "
        "what, send everyone a card with what is asked of them in good time, collect approvals "
        "and never forget the evaluation moment.",
    },
    "welcome.commands": {"nl": "Wat je tegen mij kunt zeggen:", "en": "What you can say to me:"},
    "help.title": {"nl": "Zo werk je met de Wasstraat", "en": "How to work with the Wasstraat"},
    "help.in_channel": {
        "nl": "In een kanaal: noem mij eerst met @, bijvoorbeeld '@Wasstraat status'.",
        "en": "In a channel: mention me first with @, for example '@Wasstraat status'.",
    },
    "command.help": {"nl": "hulp — deze uitleg", "en": "help — this explanation"},
    "command.start": {
        "nl": "start <product of dienst> — begin een traject, bijvoorbeeld "
        "'start Parkeervergunning'",
        "en": "start <product or service> — start a trajectory, for example "
        "'start Parkeervergunning'",
    },
    "command.status": {
        "nl": "status — de trajecten hier en in welke stap ze zijn",
        "en": "status — the trajectories here and the step they are in",
    },
    "unknown": {
        "nl": "Dat begrijp ik niet. Typ 'hulp' om te zien wat ik kan.",
        "en": "I don't understand that. Type 'help' to see what I can do.",
    },
    # start
    "start.ask_product": {
        "nl": "Voor welk product of welke dienst wil je een traject starten? "
        "Bijvoorbeeld: Parkeervergunning aanvragen.",
        "en": "Which product or service do you want to start a trajectory for? "
        "For example: Parkeervergunning aanvragen.",
    },
    "start.product_missing": {
        "nl": "Ik mis de naam van het product of de dienst. Probeer het nog eens.",
        "en": "I'm missing the name of the product or service. Please try again.",
    },
    "start.product_too_long": {
        "nl": "Die naam is te lang (hoogstens 200 tekens). Kies een kortere naam.",
        "en": "That name is too long (200 characters at most). Choose a shorter name.",
    },
    "start.started": {
        "nl": "Het traject '{product}' is gestart, met jou als projectleider. "
        "We beginnen met {step}. Stel de projectgroep samen en vraag de sponsor en de "
        "proceseigenaar om steun. De klantreis (stap 4) kan daarna meteen parallel beginnen.",
        "en": "The trajectory '{product}' has started, with you as project leader. "
        "We begin with {step}. Assemble the project group and ask the sponsor and the "
        "process owner for their support. The customer journey (step 4) can then start in "
        "parallel.",
    },
    "start.no_identity": {
        "nl": "Ik kan niet vaststellen wie je bent in de organisatie, dus ik kan geen traject "
        "starten. Probeer het vanuit Microsoft Teams met je werkaccount.",
        "en": "I cannot tell who you are in the organisation, so I cannot start a trajectory. "
        "Please try from Microsoft Teams with your work account.",
    },
    # status
    "status.title": {"nl": "Trajecten", "en": "Trajectories"},
    "status.none": {
        "nl": "Hier loopt nog geen traject. Begin er een met 'start <product of dienst>'.",
        "en": "No trajectory runs here yet. Start one with 'start <product or service>'.",
    },
    "status.active_steps": {"nl": "Nu bezig: {steps}", "en": "In progress: {steps}"},
    "status.no_active_steps": {"nl": "Geen actieve stap", "en": "No active step"},
    "status.leader": {"nl": "Projectleider: {name}", "en": "Project leader: {name}"},
    "status.started_on": {"nl": "Gestart op {date}", "en": "Started on {date}"},
    "status.step": {"nl": "Stap {id}: {name}", "en": "Step {id}: {name}"},
    "status.refresh": {"nl": "Vernieuwen", "en": "Refresh"},
    "status.refreshed_at": {"nl": "Bijgewerkt om {time}", "en": "Updated at {time}"},
    "status.more.one": {
        "nl": "En nog 1 eerder traject.",
        "en": "And 1 earlier trajectory.",
    },
    "status.more.other": {
        "nl": "En nog {count} eerdere trajecten.",
        "en": "And {count} earlier trajectories.",
    },
    "status.waiting": {"nl": "Wacht op: {people}", "en": "Waiting on: {people}"},
    "receipt.waits_on": {
        "nl": "Het traject wacht nu op: {people}.",
        "en": "The trajectory now waits on: {people}.",
    },
    "receipt.waits_on_nobody": {
        "nl": "Het traject wacht nu op niemand: de volgende stap begint vanzelf.",
        "en": "The trajectory now waits on nobody: the next step starts by itself.",
    },
    "status.overdue": {"nl": "Te laat: {people}", "en": "Overdue: {people}"},
    "status.details": {"nl": "Details", "en": "Details"},
    "status.planned": {"nl": "{step} op {at}", "en": "{step} on {at}"},
    "strip.done": {"nl": "klaar", "en": "done"},
    "strip.running": {"nl": "bezig", "en": "in progress"},
    "strip.waiting": {"nl": "wacht", "en": "waiting"},
    "strip.overdue": {"nl": "te laat", "en": "overdue"},
    "strip.skipped": {"nl": "overgeslagen", "en": "skipped"},
    "detail.planned": {"nl": "gepland op {at}", "en": "planned on {at}"},
    # the portfolio tab's data (the page's own texts are under tab.*)
    "portfolio.status.running": {"nl": "Loopt", "en": "Running"},
    "portfolio.status.overdue": {"nl": "Te laat", "en": "Overdue"},
    "portfolio.status.paused": {"nl": "Gepauzeerd", "en": "Paused"},
    "portfolio.status.finished": {"nl": "Afgerond", "en": "Finished"},
    "portfolio.status.cancelled": {"nl": "Gestopt", "en": "Stopped"},
    "portfolio.csv.product": {"nl": "Product of dienst", "en": "Product or service"},
    "portfolio.csv.team": {"nl": "Team", "en": "Team"},
    "portfolio.csv.year": {"nl": "Jaar", "en": "Year"},
    "portfolio.csv.started": {"nl": "Gestart", "en": "Started"},
    "portfolio.csv.status": {"nl": "Status", "en": "Status"},
    "portfolio.csv.step": {"nl": "Stap", "en": "Step"},
    "portfolio.csv.waiting_on": {"nl": "Wacht op", "en": "Waiting on"},
    "portfolio.csv.project_leader": {"nl": "Projectleider", "en": "Project leader"},
    "portfolio.csv.process_owner": {"nl": "Proceseigenaar", "en": "Process owner"},
    "portfolio.csv.thread": {"nl": "Gesprek in Teams", "en": "Conversation in Teams"},
    "tab.unauthorized": {
        "nl": "Je bent niet aangemeld. Open de Wasstraat in Teams om je trajecten te zien.",
        "en": "You are not signed in. Open the Wasstraat in Teams to see your trajectories.",
    },
    "waiting.approve": {"nl": "akkoord", "en": "approval"},
    "waiting.check": {"nl": "controle", "en": "check"},
    "waiting.check_decision": {"nl": "besluit over opmerkingen", "en": "decision on remarks"},
    "waiting.review": {"nl": "beoordeling", "en": "review"},
    "waiting.complete": {"nl": "afronden", "en": "to finish"},
    "waiting.evaluate": {"nl": "evalueren", "en": "to evaluate"},
    "waiting.implement": {"nl": "actie uitvoeren", "en": "carry out an action"},
    "step.status.waiting": {"nl": "Nog niet begonnen", "en": "Not started"},
    "step.status.active": {"nl": "Bezig", "en": "In progress"},
    "step.status.done": {"nl": "Klaar", "en": "Done"},
    "step.status.merged": {"nl": "Samengevoegd met 3a", "en": "Merged with 3a"},
    "step.status.skipped": {"nl": "Overgeslagen", "en": "Skipped"},
    "detail.since": {"nl": "sinds {date}", "en": "since {date}"},
    "detail.done_on": {"nl": "op {date}", "en": "on {date}"},
    "detail.deadline": {"nl": "uiterlijk {date}", "en": "due {date}"},
    "detail.done_steps": {
        "nl": "Afgeronde stappen ({count})",
        "en": "Finished steps ({count})",
    },
    "detail.later_steps": {
        "nl": "Nog niet begonnen ({count})",
        "en": "Not begun yet ({count})",
    },
    "detail.roles": {"nl": "Projectgroep", "en": "Project group"},
    "detail.improvements.one": {
        "nl": "1 verbeteridee, {selected} gekozen",
        "en": "1 improvement idea, {selected} chosen",
    },
    "detail.improvements.other": {
        "nl": "{count} verbeterideeën, {selected} gekozen",
        "en": "{count} improvement ideas, {selected} chosen",
    },
    "tasks.title": {"nl": "Mijn taken", "en": "My tasks"},
    "tasks.none": {
        "nl": "Je hebt nu geen openstaande taken. Fijn!",
        "en": "You have no open tasks right now. Nice!",
    },
    "view.for_you": {"nl": "Voor jou", "en": "For you"},
    "view.nothing": {
        "nl": "Er wordt nu niets van je gevraagd in dit traject.",
        "en": "Nothing is asked of you in this trajectory right now.",
    },
    "view.task": {"nl": "Gevraagd: {what} bij {step}", "en": "Asked: {what} in {step}"},
    "view.open": {"nl": "Naar {step}", "en": "Go to {step}"},
    "tasks.line": {"nl": "{product}: {what} bij {step}", "en": "{product}: {what} in {step}"},
    "command.tasks": {
        "nl": "mijn taken — wat er nu van jou gevraagd wordt, in alle trajecten",
        "en": "my tasks — what is asked of you now, in every trajectory",
    },
    "trajectory.status.running": {"nl": "Loopt", "en": "Running"},
    "trajectory.status.paused": {"nl": "Gepauzeerd", "en": "Paused"},
    "trajectory.status.cancelled": {"nl": "Gestopt", "en": "Cancelled"},
    "trajectory.status.finished": {"nl": "Afgerond", "en": "Finished"},
    # messages the bot sends when something happens (the outbox kinds)
    "task.title": {"nl": "{product} · {step}", "en": "{product} · {step}"},
    "task.your_role": {"nl": "Jouw rol: {role}", "en": "Your role: {role}"},
    "task.your_roles": {"nl": "Jouw rollen: {roles}", "en": "Your roles: {roles}"},
    "task.deadline": {"nl": "Graag vóór {date}", "en": "Please by {date}"},
    "task.status": {"nl": "Bekijk de stand", "en": "View the status"},
    "role_assigned.body": {
        "nl": "Je bent toegevoegd aan het traject '{product}' als {role}. Je krijgt van mij een "
        "bericht zodra er iets van je gevraagd wordt.",
        "en": "You have been added to the trajectory '{product}' as {role}. I will message you "
        "as soon as something is asked of you.",
    },
    "substitute_assigned.body": {
        "nl": "Je neemt in het traject '{product}' de rol {role} waar voor {absent}.",
        "en": "In the trajectory '{product}' you stand in as {role} for {absent}.",
    },
    "approval.kpis": {
        "nl": "Wil je deze KPI's goedkeuren?",
        "en": "Do you approve these KPIs?",
    },
    "approval.will_come": {
        "nl": "Zodra {names} {what} voorlegt, kun je ze hier en in je chat goedkeuren of afwijzen.",
        "en": "As soon as {names} submits {what}, you can approve or reject them here and in "
        "your chat.",
    },
    "approval.plan": {
        "nl": "Het verbeterplan is definitief gemaakt. Keur je het goed?",
        "en": "The improvement plan has been finalised. Do you approve it?",
    },
    "approval.priorities": {
        "nl": "Keur je deze prioriteiten en volgorde goed?",
        "en": "Do you approve these priorities and this order?",
    },
    "approval.kpi_line": {
        "nl": "{name}: nu {baseline} {unit}, doel {target} {unit} (gemeten via {how})",
        "en": "{name}: now {baseline} {unit}, target {target} {unit} (measured via {how})",
    },
    "approval.priority_line": {
        "nl": "{rank}. {text} (eigenaar: {owner}, klaar op: {date})",
        "en": "{rank}. {text} (owner: {owner}, done by: {date})",
    },
    "approval.action_line": {
        "nl": "{kind}: {text} (eigenaar: {owner}, klaar op: {date})",
        "en": "{kind}: {text} (owner: {owner}, done by: {date})",
    },
    # where a candidate improvement came from (on the plan)
    "origin.idea": {"nl": "Idee van {name}", "en": "Idea from {name}"},
    "origin.klantreis": {
        "nl": "Uit de klantreis ({name})",
        "en": "From the customer journey ({name})",
    },
    "origin.klantreis_at": {
        "nl": "Uit de klantreis, {channel} ({name})",
        "en": "From the customer journey, {channel} ({name})",
    },
    "origin.p": {
        "nl": "P {p} past niet bij de serviceformule",
        "en": "P {p} does not match the service formula",
    },
    "origin.check": {
        "nl": "Uit de controle van de procesbeschrijving ({name})",
        "en": "From the check of the process description ({name})",
    },
    "origin.review": {
        "nl": "Voorwaarde uit de beoordeling ({name})",
        "en": "Condition from the review ({name})",
    },
    "check.closed_on": {
        "nl": "De controle is op {date} gesloten; je hoeft hier niets meer te doen.",
        "en": "The check was closed on {date}; nothing is asked of you here any more.",
    },
    "check.closed": {
        "nl": "De controle is gesloten; je hoeft hier niets meer te doen.",
        "en": "The check is closed; nothing is asked of you here any more.",
    },
    "news.waits_on": {"nl": "Wacht op: {people}.", "en": "Waiting on: {people}."},
    "reading.kpis": {
        "nl": "De KPI's zoals ze nu zijn:",
        "en": "The KPIs as they stand:",
    },
    "reading.plan": {
        "nl": "Het verbeterplan zoals het nu is:",
        "en": "The improvement plan as it stands:",
    },
    "reading.priorities": {
        "nl": "De prioriteiten en volgorde zoals ze nu zijn:",
        "en": "The priorities and order as they stand:",
    },
    "approval.reviews_agree.one": {
        "nl": "{agree} van {count} beoordeling akkoord",
        "en": "{agree} of {count} review agree",
    },
    "approval.reviews_agree.other": {
        "nl": "{agree} van {count} beoordelingen akkoord",
        "en": "{agree} of {count} reviews agree",
    },
    "approval.review_line": {
        "nl": "{role} ({name}): {verdict}",
        "en": "{role} ({name}): {verdict}",
    },
    "approval.review_remark": {"nl": " – “{remark}”", "en": " – “{remark}”"},
    "approval.review_estimates": {
        "nl": " – kosten: {cost}, doorlooptijd: {lead_time}",
        "en": " – cost: {cost}, lead time: {lead_time}",
    },
    "approval.review_before_change": {
        "nl": " (gegeven vóór de laatste wijziging)",
        "en": " (given before the latest change)",
    },
    "approval.not_reviewed": {
        "nl": "Nog niet beoordeeld door een specialist.",
        "en": "Not yet reviewed by a specialist.",
    },
    "approval.remark": {
        "nl": "Toelichting (verplicht bij afwijzen)",
        "en": "Remark (required when rejecting)",
    },
    "approval.approve": {"nl": "Goedkeuren", "en": "Approve"},
    "approval.reject": {"nl": "Afwijzen", "en": "Reject"},
    "rejected.body": {
        "nl": "{by} heeft {subject} afgewezen: {remark}",
        "en": "{by} rejected {subject}: {remark}",
    },
    "subject.kpis": {"nl": "de KPI's", "en": "the KPIs"},
    "subject.plan": {"nl": "het verbeterplan", "en": "the improvement plan"},
    "subject.priorities": {"nl": "de prioriteiten", "en": "the priorities"},
    "check.body": {
        "nl": "Klopt de procesbeschrijving met hoe het nu gaat? Je kunt ook gewoon in deze chat "
        "antwoorden met 'klopt' of 'klopt niet, …'.",
        "en": "Does the process description match how things run today? You can also simply "
        "reply in this chat with 'correct' or 'not correct, …'.",
    },
    "check.link": {"nl": "Open de procesbeschrijving", "en": "Open the process description"},
    "check.remark": {
        "nl": "Wat mist er of klopt er niet?",
        "en": "What is missing or wrong?",
    },
    "check.close": {"nl": "Controle nu afsluiten", "en": "Close the check now"},
    "check.agree": {"nl": "Klopt", "en": "Correct"},
    "check.disagree": {"nl": "Klopt niet", "en": "Not correct"},
    "check_progress.body.one": {
        "nl": "Controle procesbeschrijving '{product}': {answered} van 1 antwoord binnen.",
        "en": "Process description check '{product}': {answered} of 1 answer in.",
    },
    "check_progress.body.other": {
        "nl": "Controle procesbeschrijving '{product}': {answered} van {count} antwoorden binnen.",
        "en": "Process description check '{product}': {answered} of {count} answers in.",
    },
    "check_summary.body": {
        "nl": "De controle van de procesbeschrijving van '{product}' is afgerond. Klopt: "
        "{agree}; klopt niet: {disagree}.",
        "en": "The check of the process description of '{product}' is finished. Correct: "
        "{agree}; not correct: {disagree}.",
    },
    "check_summary.remarks": {
        "nl": "Wat er is opgemerkt:",
        "en": "What was remarked:",
    },
    "check_summary.remark": {
        "nl": "{name} (klopt niet): {remark}",
        "en": "{name} (not correct): {remark}",
    },
    "check_summary.remark_agree": {
        "nl": "{name} (klopt): {remark}",
        "en": "{name} (correct): {remark}",
    },
    "check_summary.sent_back": {
        "nl": "De beschrijving is teruggestuurd om aan te passen; daarna volgt een nieuwe "
        "controleronde.",
        "en": "The description was sent back to be revised; a new round of the check follows.",
    },
    "check.send_back": {
        "nl": "Terug naar {step}: beschrijving aanpassen",
        "en": "Back to {step}: revise the description",
    },
    "check.round_over": {
        "nl": "Deze controleronde is voorbij; voor een nieuwe ronde krijg je een nieuwe kaart.",
        "en": "This round of the check is over; a new round comes with a new card.",
    },
    "check_decision.body": {
        "nl": "De controle van de procesbeschrijving van '{product}' wacht op een besluit over "
        "wat er is opgemerkt. Klopt: {agree}; klopt niet: {disagree}.",
        "en": "The check of the process description of '{product}' waits for a decision on "
        "what was remarked. Correct: {agree}; not correct: {disagree}.",
    },
    "check_decision.outcome": {
        "nl": "Wat gebeurt ermee?",
        "en": "What happens to it?",
    },
    "check_decision.handled": {
        "nl": "Afgehandeld (verwerkt, of niet nodig)",
        "en": "Handled (taken in, or not needed)",
    },
    "check_decision.later": {
        "nl": "Bewaren voor het verbeterplan",
        "en": "Keep it for the improvement plan",
    },
    "check_decision.why": {
        "nl": "Waarom? (de schrijver leest het)",
        "en": "Why? (the writer reads it)",
    },
    "check_decision.how": {
        "nl": "Leg per opmerking vast wat ermee gebeurt, of stuur de beschrijving terug om die "
        "aan te passen (de opmerkingen gaan mee). De controle is klaar als over elke opmerking "
        "is besloten; wie hem schreef, hoort het besluit.",
        "en": "Record for each remark what happens to it, or send the description back to be "
        "revised (the remarks go with it). The check is done once every remark is decided on; "
        "whoever wrote it hears the decision.",
    },
    "check_decision.save": {"nl": "Besluit vastleggen", "en": "Record the decision"},
    "check_decision.waits_on": {
        "nl": "Wacht op het besluit van {names} over de opmerkingen.",
        "en": "Waits for the decision of {names} on the remarks.",
    },
    "check_decision.decided.handled": {
        "nl": "Afgehandeld door {name} op {date}",
        "en": "Handled by {name} on {date}",
    },
    "check_decision.decided.later": {
        "nl": "Bewaard voor het verbeterplan door {name} op {date}",
        "en": "Kept for the improvement plan by {name} on {date}",
    },
    "check_decision.decided.sent_back": {
        "nl": "Met de beschrijving teruggestuurd door {name} op {date}",
        "en": "Sent back with the description by {name} on {date}",
    },
    "check_held.answered.one": {
        "nl": "Iedereen heeft de procesbeschrijving van '{product}' gecontroleerd. Er staat nog "
        "1 opmerking open; {names} beslist erover, daarna gaat het traject verder.",
        "en": "Everyone has checked the process description of '{product}'. 1 remark is still "
        "open; {names} decides on it, then the trajectory moves on.",
    },
    "check_held.answered.other": {
        "nl": "Iedereen heeft de procesbeschrijving van '{product}' gecontroleerd. Er staan nog "
        "{count} opmerkingen open; {names} beslist erover, daarna gaat het traject verder.",
        "en": "Everyone has checked the process description of '{product}'. {count} remarks "
        "are still open; {names} decides on them, then the trajectory moves on.",
    },
    "check_held.deadline.one": {
        "nl": "De termijn van de controle van de procesbeschrijving van '{product}' is voorbij, "
        "maar er staat nog 1 opmerking open. De controle blijft open tot {names} erover "
        "beslist.",
        "en": "The deadline of the check of the process description of '{product}' has passed, "
        "but 1 remark is still open. The check stays open until {names} decides on it.",
    },
    "check_held.deadline.other": {
        "nl": "De termijn van de controle van de procesbeschrijving van '{product}' is voorbij, "
        "maar er staan nog {count} opmerkingen open. De controle blijft open tot {names} "
        "erover beslist.",
        "en": "The deadline of the check of the process description of '{product}' has passed, "
        "but {count} remarks are still open. The check stays open until {names} decides on "
        "them.",
    },
    "remark_decided.handled": {
        "nl": "Je opmerking over de procesbeschrijving van '{product}' (“{remark}”): {by} heeft "
        "die afgehandeld.",
        "en": "Your remark on the process description of '{product}' (“{remark}”): {by} has "
        "handled it.",
    },
    "remark_decided.later": {
        "nl": "Je opmerking over de procesbeschrijving van '{product}' (“{remark}”): {by} "
        "bewaart die voor het verbeterplan; je vindt hem terug bij de mogelijke verbeteringen.",
        "en": "Your remark on the process description of '{product}' (“{remark}”): {by} keeps "
        "it for the improvement plan; you will find it among the possible improvements.",
    },
    "remark_decided.sent_back": {
        "nl": "Je opmerking over de procesbeschrijving van '{product}' (“{remark}”): {by} heeft "
        "de beschrijving teruggestuurd om die aan te passen, met je opmerking erbij. Je krijgt "
        "de nieuwe versie weer ter controle.",
        "en": "Your remark on the process description of '{product}' (“{remark}”): {by} has sent "
        "the description back to be revised, with your remark. You will get the new version to "
        "check again.",
    },
    "remark_decided.why": {"nl": "Waarom: “{reason}”", "en": "Why: “{reason}”"},
    "check_summary.missing": {
        "nl": "Geen antwoord van: {names}.",
        "en": "No answer from: {names}.",
    },
    "review_request.body.one": {
        "nl": "Beoordeel de gekozen verbetering van '{product}'.",
        "en": "Review the chosen improvement of '{product}'.",
    },
    "review_request.body.other": {
        "nl": "Beoordeel de {count} gekozen verbeteringen van '{product}'.",
        "en": "Review the {count} chosen improvements of '{product}'.",
    },
    "plan_sent_back.body": {
        "nl": "Een specialist ging niet akkoord: het verbeterplan van '{product}' gaat terug "
        "naar stap 6.",
        "en": "A specialist disagreed: the improvement plan of '{product}' goes back to step 6.",
    },
    "notice.support_confirmed": {
        "nl": "{by} steunt het traject '{product}'.",
        "en": "{by} supports the trajectory '{product}'.",
    },
    "notice.reviews_summary": {
        "nl": "Alle beoordelingen van het verbeterplan van '{product}' zijn binnen.",
        "en": "All reviews of the improvement plan of '{product}' are in.",
    },
    "notice.implementation_assigned.one": {
        "nl": "Je trekt een actie in het implementatieplan van '{product}': {items}. Zet hem op "
        "klaar op de kaart van de stap als hij af is.",
        "en": "You lead an action in the implementation plan of '{product}': {items}. Mark it "
        "done on the step's card when it is finished.",
    },
    "notice.implementation_assigned.other": {
        "nl": "Je trekt {count} acties in het implementatieplan van '{product}': {items}. Zet ze "
        "op klaar op de kaart van de stap als ze af zijn.",
        "en": "You lead {count} actions in the implementation plan of '{product}': {items}. Mark "
        "them done on the step's card when they are finished.",
    },
    "notice.evaluation_planned": {
        "nl": "Het evaluatiemoment van '{product}' is gepland op {on}.",
        "en": "The evaluation moment of '{product}' is planned on {on}.",
    },
    "notice.evaluation_request": {
        "nl": "Het is tijd voor de evaluatie van '{product}'.",
        "en": "It is time to evaluate '{product}'.",
    },
    "evaluation_request.by.one": {
        "nl": "{names} legt de nieuwe metingen en de lessen vast; daarna krijg je het resultaat.",
        "en": "{names} records the new measurements and the lessons; then you get the result.",
    },
    "evaluation_request.by.other": {
        "nl": "{names} leggen de nieuwe metingen en de lessen vast; daarna krijg je het resultaat.",
        "en": "{names} record the new measurements and the lessons; then you get the result.",
    },
    "notice.next_cycle_offer": {
        "nl": "Het traject '{product}' is afgerond. Wil je een volgende cyclus starten?",
        "en": "The trajectory '{product}' is finished. Do you want to start a next cycle?",
    },
    "notice.step_started": {
        "nl": "'{product}': {step} is begonnen.",
        "en": "'{product}': {step} has started.",
    },
    "notice.step_done": {
        "nl": "'{product}': {step} is afgerond.",
        "en": "'{product}': {step} is done.",
    },
    "notice.merge_planned": {
        "nl": "'{product}': {step} wordt samengevoegd met {into} en is afgerond zodra {into} "
        "klaar is. Niemand hoeft de procesbeschrijving daarna nog apart te controleren.",
        "en": "'{product}': {step} is merged into {into} and is done once {into} is finished. "
        "Nobody needs to check the process description separately afterwards.",
    },
    "notice.trajectory_paused": {
        "nl": "Het traject '{product}' is gepauzeerd.",
        "en": "The trajectory '{product}' is paused.",
    },
    "notice.trajectory_resumed": {
        "nl": "Het traject '{product}' loopt weer.",
        "en": "The trajectory '{product}' is running again.",
    },
    "notice.trajectory_cancelled": {
        "nl": "Het traject '{product}' is gestopt.",
        "en": "The trajectory '{product}' has been cancelled.",
    },
    "reminder.body": {
        "nl": "Herinnering: '{product}' wacht sinds {since} op jou ({what}).",
        "en": "Reminder: '{product}' has been waiting on you since {since} ({what}).",
    },
    "digest.title": {"nl": "Je openstaande taken", "en": "Your open tasks"},
    "digest.intro.one": {
        "nl": "Goedemorgen! Er wacht een taak op jou. Je kunt die hier meteen doen.",
        "en": "Good morning! A task is waiting on you. You can do it right here.",
    },
    "digest.intro.other": {
        "nl": "Goedemorgen! {count} taken wachten op jou. Je kunt ze hier meteen doen.",
        "en": "Good morning! {count} tasks are waiting on you. You can do them right here.",
    },
    "digest.open": {"nl": "Openen", "en": "Open"},
    "digest.more": {
        "nl": "En nog {count}: typ 'mijn taken' voor alles wat op jou wacht.",
        "en": "And {count} more: type 'my tasks' for everything waiting on you.",
    },
    "reminder.nudged": {
        "nl": "{by} vraagt je even naar '{product}' te kijken: het wacht sinds {since} op jou "
        "({what}).",
        "en": "{by} asks you to take a look at '{product}': it has been waiting on you since "
        "{since} ({what}).",
    },
    "task_overdue.body": {
        "nl": "'{product}', {step}: {name} heeft sinds {since} niet gereageerd ({what}). "
        "Stuur een herinnering, neem contact op of wijs de rol aan iemand anders toe.",
        "en": "'{product}', {step}: {name} has not responded since {since} ({what}). "
        "Send a reminder, get in touch, or assign the role to someone else.",
    },
    "nudge.button": {"nl": "Herinner nu", "en": "Remind now"},
    "receipt.nudge": {
        "nl": "Herinnering gestuurd over '{product}' aan: {names}.",
        "en": "Reminder sent about '{product}' to: {names}.",
    },
    "receipt.nudge_skipped": {
        "nl": "Net al herinnerd, nu overgeslagen: {names}.",
        "en": "Reminded just now, skipped this time: {names}.",
    },
    "receipt.nudge_only_you": {
        "nl": "Niemand herinnerd: '{product}' wacht nu alleen op jou.",
        "en": "Nobody reminded: '{product}' is only waiting on you now.",
    },
    "receipt.nudge_nobody": {
        "nl": "Niemand herinnerd: wie op '{product}' moet reageren, kreeg net al een herinnering.",
        "en": "Nobody reminded: everyone '{product}' waits on was reminded just now.",
    },
    "nudge.none": {
        "nl": "Geen van jouw trajecten hier wacht op iemand, of je bent er geen projectleider "
        "of proceseigenaar van.",
        "en": "None of your trajectories here is waiting on anyone, or you are not their "
        "project leader or process owner.",
    },
    "session_planned.title": {
        "nl": "Sessie gepland: {step}",
        "en": "Session planned: {step}",
    },
    "session_planned.when": {"nl": "Wanneer", "en": "When"},
    "session_planned.duration": {"nl": "Duur", "en": "Duration"},
    "session_planned.minutes": {"nl": "{minutes} minuten", "en": "{minutes} minutes"},
    "session_planned.where": {"nl": "Waar", "en": "Where"},
    "session_planned.by": {"nl": "Gepland door", "en": "Planned by"},
    "calendar_failed.body": {
        "nl": "Ik kon de agenda-uitnodiging voor de sessie van {step} in '{product}' niet maken. "
        "Stuur de uitnodiging zelf via Outlook of Teams.",
        "en": "I could not create the calendar invitation for the {step} session in "
        "'{product}'. Please send the invitation yourself from Outlook or Teams.",
    },
    "calendar.subject": {
        "nl": "Wasstraat '{product}': sessie {step}",
        "en": "Wasstraat '{product}': session {step}",
    },
    "calendar.body": {
        "nl": "Werksessie voor {step} van het traject '{product}', gepland via de Wasstraat-bot "
        "in Teams.",
        "en": "Working session for {step} of the trajectory '{product}', planned with the "
        "Wasstraat bot in Teams.",
    },
    "calendar_uninvited.body": {
        "nl": "De uitnodiging voor de sessie van {step} in '{product}' staat in je agenda, maar "
        "ik kon niet iedereen uitnodigen (geen e-mailadres bekend): {names}. Nodig hen zelf uit.",
        "en": "The invitation for the {step} session in '{product}' is in your calendar, but I "
        "could not invite everyone (no e-mail address known): {names}. Please invite them "
        "yourself.",
    },
    "dossier.title": {
        "nl": "Dossier '{product}'",
        "en": "Dossier '{product}'",
    },
    "dossier.started": {
        "nl": "Gestart op {date}; projectleider: {leader}",
        "en": "Started on {date}; project leader: {leader}",
    },
    "dossier.status.running": {
        "nl": "Stand: loopt",
        "en": "Status: running",
    },
    "dossier.status.paused": {
        "nl": "Stand: gepauzeerd",
        "en": "Status: paused",
    },
    "dossier.status.cancelled": {
        "nl": "Stand: gestopt",
        "en": "Status: cancelled",
    },
    "dossier.status.finished": {
        "nl": "Stand: afgerond",
        "en": "Status: finished",
    },
    "dossier.kpis": {
        "nl": "KPI's",
        "en": "KPIs",
    },
    "dossier.process": {
        "nl": "Procesbeschrijving en controle (stap 3)",
        "en": "Process description and check (step 3)",
    },
    "dossier.klantreis": {
        "nl": "Klantreis (stap 4)",
        "en": "Customer journey (step 4)",
    },
    "dossier.assessment": {
        "nl": "Serviceformule en de 6 P's (stap 5)",
        "en": "Service formula and the 6 P's (step 5)",
    },
    "dossier.plan": {
        "nl": "Verbeterplan met het oordeel van de specialisten (stap 6–8)",
        "en": "Improvement plan with the specialists' verdicts (steps 6–8)",
    },
    "dossier.implementation": {
        "nl": "Implementatieplan (stap 9–10)",
        "en": "Implementation plan (steps 9–10)",
    },
    "dossier.evaluation": {
        "nl": "Evaluatie",
        "en": "Evaluation",
    },
    "dossier.audit": {
        "nl": "Verloop (audittrail)",
        "en": "History (audit trail)",
    },
    "dossier.none": {
        "nl": "(nog niets vastgelegd)",
        "en": "(nothing recorded yet)",
    },
    "dossier.yes": {
        "nl": "ja",
        "en": "yes",
    },
    "dossier.no": {
        "nl": "nee",
        "en": "no",
    },
    "dossier.check": {
        "nl": "Controle door vakinhoudelijk medewerkers: {agree} klopt, {disagree} klopt niet",
        "en": "Check by subject-matter staff: {agree} agree, {disagree} disagree",
    },
    "dossier.evaluation_planned": {
        "nl": "Evaluatiemoment: {date}",
        "en": "Evaluation moment: {date}",
    },
    "dossier.evaluation_open": {
        "nl": "Nog niet geëvalueerd.",
        "en": "Not evaluated yet.",
    },
    "dossier.evaluation_recorded": {
        "nl": "Geëvalueerd op {date}.",
        "en": "Evaluated on {date}.",
    },
    "dossier.col.pick": {"nl": "PICK", "en": "PICK"},
    "dossier.col.phase": {"nl": "Fase", "en": "Phase"},
    "dossier.col.channel": {"nl": "Kanaal", "en": "Channel"},
    "dossier.col.feels_now": {"nl": "Nu", "en": "Now"},
    "dossier.col.feels_desired": {"nl": "Gewenst", "en": "Desired"},
    "dossier.col.role": {
        "nl": "Rol",
        "en": "Role",
    },
    "dossier.col.people": {
        "nl": "Wie",
        "en": "Who",
    },
    "dossier.col.kpi": {
        "nl": "KPI",
        "en": "KPI",
    },
    "dossier.col.unit": {
        "nl": "Eenheid",
        "en": "Unit",
    },
    "dossier.col.baseline": {
        "nl": "Nulmeting",
        "en": "Baseline",
    },
    "dossier.col.target": {
        "nl": "Doel",
        "en": "Target",
    },
    "dossier.col.measured": {
        "nl": "Gemeten",
        "en": "Measured",
    },
    "dossier.col.p": {
        "nl": "P",
        "en": "P",
    },
    "dossier.col.matches": {
        "nl": "Past",
        "en": "Fits",
    },
    "dossier.col.note": {
        "nl": "Toelichting",
        "en": "Note",
    },
    "dossier.col.improvement": {
        "nl": "Verbetering",
        "en": "Improvement",
    },
    "dossier.col.verdicts": {
        "nl": "Oordeel specialisten",
        "en": "Specialists' verdicts",
    },
    "dossier.col.priority": {
        "nl": "Prioriteit",
        "en": "Priority",
    },
    "dossier.col.item": {
        "nl": "Actie",
        "en": "Action",
    },
    "dossier.col.owner": {
        "nl": "Trekker",
        "en": "Owner",
    },
    "dossier.col.done_by": {
        "nl": "Klaar op",
        "en": "Done by",
    },
    "dossier.col.progress": {
        "nl": "Stand",
        "en": "Progress",
    },
    "dossier.col.when": {
        "nl": "Wanneer",
        "en": "When",
    },
    "dossier.col.who": {
        "nl": "Wie",
        "en": "Who",
    },
    "dossier.col.what": {
        "nl": "Wat",
        "en": "What",
    },
    "download.expired": {
        "nl": "Deze downloadlink is verlopen of klopt niet. Vraag in Teams een nieuwe aan met "
        "'export' of de knop op het traject.",
        "en": "This download link has expired or is not valid. Ask for a new one in Teams with "
        "'export' or the button on the trajectory.",
    },
    "dossier.button": {
        "nl": "Dossier (Word)",
        "en": "Dossier (Word)",
    },
    "dossier.ready": {
        "nl": "Het dossier van '{product}' staat klaar: de link werkt tot {time}.",
        "en": "The dossier of '{product}' is ready: the link works until {time}.",
    },
    "dossier.download": {
        "nl": "Dossier downloaden",
        "en": "Download the dossier",
    },
    "dossier.none_here": {
        "nl": "Je neemt hier geen deel aan een traject, dus er is geen dossier voor je.",
        "en": "You take part in no trajectory here, so there is no dossier for you.",
    },
    "command.export": {
        "nl": "export — het dossier van je traject als Word-document",
        "en": "export — your trajectory's dossier as a Word document",
    },
    "admin.personal_only": {
        "nl": "Beheeropdrachten gaan alleen in je 1-op-1-chat met mij.",
        "en": "Administrative commands only work in your 1:1 chat with me.",
    },
    "admin.usage": {
        "nl": "Gebruik: admin export <object-id> of admin verwijder <object-id>.",
        "en": "Usage: admin export <object id> or admin remove <object id>.",
    },
    "admin.exported": {
        "nl": "Alles wat ik over deze persoon bewaar, als JSON (de link werkt een uur): {url}",
        "en": "Everything I keep about this person, as JSON (the link works for an hour): {url}",
    },
    "admin.removed.one": {
        "nl": "Verwijderd uit 1 afgerond traject. Nog lopend: {running} (wijs daar eerst de rol "
        "aan iemand anders toe).",
        "en": "Removed from 1 closed trajectory. Still running: {running} (assign the role there "
        "to someone else first).",
    },
    "admin.removed.other": {
        "nl": "Verwijderd uit {count} afgeronde trajecten. Nog lopend: {running} (wijs daar "
        "eerst de rol aan iemand anders toe).",
        "en": "Removed from {count} closed trajectories. Still running: {running} (assign "
        "the role there to someone else first).",
    },
    "evaluation_request.kpi": {
        "nl": "{name}: nulmeting {baseline} {unit}, doel {target} {unit}",
        "en": "{name}: baseline {baseline} {unit}, target {target} {unit}",
    },
    # the evaluation's result
    "result.title": {
        "nl": "Resultaat van '{product}'",
        "en": "Result of '{product}'",
    },
    "result.intro": {
        "nl": "De evaluatie is vastgelegd{by}. Per KPI de nulmeting, het doel en de nieuwe meting.",
        "en": "The evaluation has been recorded{by}. For each KPI the baseline, the target and "
        "the new measurement.",
    },
    "result.by": {"nl": " door {name} op {date}", "en": " by {name} on {date}"},
    "result.summary.one": {
        "nl": "{met} van 1 doel gehaald.",
        "en": "{met} of 1 target met.",
    },
    "result.summary.other": {
        "nl": "{met} van de {count} doelen gehaald.",
        "en": "{met} of {count} targets met.",
    },
    "result.summary_closer.one": {
        "nl": "; {count} KPI ging wel de goede kant op.",
        "en": "; {count} KPI moved the right way.",
    },
    "result.summary_closer.other": {
        "nl": "; {count} KPI's gingen wel de goede kant op.",
        "en": "; {count} KPIs moved the right way.",
    },
    "result.line": {
        "nl": "{name} van {baseline} naar {measured}{unit} (doel {target}{direction}){progress}: "
        "{verdict}",
        "en": "{name} from {baseline} to {measured}{unit} (target {target}{direction}){progress}: "
        "{verdict}",
    },
    "result.met": {"nl": "doel gehaald", "en": "target met"},
    "result.progress": {
        "nl": "; nog {gap} van het doel af, {way}",
        "en": "; still {gap} from the target, {way}",
    },
    "result.right_way": {"nl": "wel de goede kant op", "en": "moving the right way"},
    "result.wrong_way": {"nl": "de verkeerde kant op", "en": "moving the wrong way"},
    "result.unchanged": {"nl": "niet veranderd", "en": "unchanged"},
    "result.went_well": {"nl": "Wat ging goed: {text}", "en": "What went well: {text}"},
    "result.could_be_better": {"nl": "Wat kan beter: {text}", "en": "What could be better: {text}"},
    "result.next_cycle.one": {
        "nl": "Of er een volgende cyclus komt, beslist {names}.",
        "en": "Whether a next cycle follows is decided by {names}.",
    },
    "result.next_cycle.other": {
        "nl": "Of er een volgende cyclus komt, beslissen {names}.",
        "en": "Whether a next cycle follows is decided by {names}.",
    },
    "result.not_met": {"nl": "doel niet gehaald", "en": "target not met"},
    "result.not_yet": {"nl": "doel nog niet gehaald", "en": "target not yet met"},
    "result.line_not_measured": {
        "nl": "{name}: niet gemeten (nulmeting {baseline}{unit}, doel {target}{unit})",
        "en": "{name}: not measured (baseline {baseline}{unit}, target {target}{unit})",
    },
    "result.summary_unmeasured": {
        "nl": "{count} niet gemeten.",
        "en": "{count} not measured.",
    },
    "result.unjudged": {
        "nl": "niet te beoordelen, nulmeting en doel wijzen geen richting",
        "en": "cannot be judged, baseline and target show no direction",
    },
    "result.lower": {"nl": "lager is beter", "en": "lower is better"},
    "result.higher": {"nl": "hoger is beter", "en": "higher is better"},
    "result.chart": {"nl": "Nulmeting, doel en meting", "en": "Baseline, target and measurement"},
    "result.legend.baseline": {"nl": "Nulmeting", "en": "Baseline"},
    "result.legend.target": {"nl": "Doel", "en": "Target"},
    "result.legend.measured": {"nl": "Meting", "en": "Measured"},
    "result.no_kpis": {
        "nl": "Er waren geen KPI's vastgelegd om te meten.",
        "en": "No KPIs had been set to measure.",
    },
    "result.heading": {"nl": "Resultaat", "en": "Result"},
    "next_cycle.button": {"nl": "Volgende cyclus starten", "en": "Start the next cycle"},
    "next_cycle.started": {
        "nl": "De volgende cyclus van '{product}' is gestart.",
        "en": "The next cycle of '{product}' has started.",
    },
    "delivery_failed.body": {
        "nl": "Ik kon {name} geen bericht sturen over '{product}' (de app is voor deze persoon "
        "niet bereikbaar). Vraag diegene de Wasstraat-app te installeren, of wijs de rol aan "
        "iemand anders toe.",
        "en": "I could not message {name} about '{product}' (the app cannot reach this person). "
        "Ask them to install the Wasstraat app, or assign the role to someone else.",
    },
    "approval.round_over": {
        "nl": "Deze ronde is voorbij; er is niets meer te beslissen op deze kaart.",
        "en": "This round is over; there is nothing left to decide on this card.",
    },
    "receipt.approve": {
        "nl": "Goedgekeurd door {name} op {date}.",
        "en": "Approved by {name} on {date}.",
    },
    "receipt.reject": {
        "nl": "Afgewezen door {name} op {date}: {remark}",
        "en": "Rejected by {name} on {date}: {remark}",
    },
    "receipt.check_agree": {
        "nl": "Bedankt! Je antwoord: klopt.",
        "en": "Thank you! Your answer: correct.",
    },
    "receipt.check_disagree": {
        "nl": "Bedankt! Je antwoord: klopt niet — {remark}. {names} beslist wat ermee gebeurt; "
        "je hoort het besluit.",
        "en": "Thank you! Your answer: not correct — {remark}. {names} decides what happens to "
        "it; you will hear the decision.",
    },
    "receipt.check_sent_back": {
        "nl": "De procesbeschrijving gaat terug om aan te passen. Is die klaar, dan volgt een "
        "nieuwe controleronde.",
        "en": "The process description goes back to be revised. When it is done, a new round "
        "of the check follows.",
    },
    "receipt.check_closed": {
        "nl": "De controle is afgesloten; de samenvatting komt zo.",
        "en": "The check is closed; the summary follows.",
    },
    "receipt.improvement": {
        "nl": "Je idee is toegevoegd aan '{product}'. Dank je wel!",
        "en": "Your idea has been added to '{product}'. Thank you!",
    },
    "action.stale": {
        "nl": "Dit is al afgehandeld{by}. Er is niets veranderd; hieronder de actuele stand.",
        "en": "This has already been dealt with{by}. Nothing has changed; the current state is "
        "below.",
    },
    "action.stale_by": {"nl": " door {name} op {date}", "en": " by {name} on {date}"},
    "action.stale_step_by": {
        "nl": "{step} is op {date} afgerond door {name}. Er is niets veranderd; hieronder de "
        "actuele stand.",
        "en": "{step} was finished by {name} on {date}. Nothing has changed; the current state "
        "is below.",
    },
    "action.stale_step": {
        "nl": "{step} is op {date} afgerond. Er is niets veranderd; hieronder de actuele stand.",
        "en": "{step} was finished on {date}. Nothing has changed; the current state is below.",
    },
    "action.not_saved": {
        "nl": "Je invoer is niet opgeslagen: {typed}",
        "en": "What you entered was not saved: {typed}",
    },
    "action.still_asked": {
        "nl": "Wat nog van je gevraagd wordt: {what}.",
        "en": "What is still asked of you: {what}.",
    },
    "action.still_asked_line": {"nl": "{what} bij {step}", "en": "{what} in {step}"},
    "form.unchanged": {
        "nl": "Opgeslagen. Wat je invulde, stond er al precies zo in (misschien vulde een collega "
        "hetzelfde in); er is niets veranderd.",
        "en": "Saved. What you entered was already there just like that (perhaps a colleague "
        "entered the same); nothing has changed.",
    },
    "action.nothing_asked": {
        "nl": "Er wordt in dit traject nu niets van je gevraagd.",
        "en": "Nothing is asked of you in this trajectory now.",
    },
    "action.not_allowed": {
        "nl": "Deze knop is voor de {roles} van '{product}'. Er is niets veranderd.",
        "en": "This button is for the {roles} of '{product}'. Nothing has changed.",
    },
    "error.reason_required": {
        "nl": "Schrijf er kort bij waarom: hoe is de opmerking verwerkt, of waarom bewaren we "
        "hem voor het verbeterplan? Wie hem schreef, leest het.",
        "en": "Please add a short reason: how was the remark dealt with, or why do we keep it for "
        "the improvement plan? Whoever wrote it will read it.",
    },
    "error.unknown_remark": {
        "nl": "Die opmerking staat niet (meer) in deze controle.",
        "en": "That remark is not (or no longer) part of this check.",
    },
    "error.remarks_open": {
        "nl": "Er staan nog opmerkingen open. Eerst beslist {names} erover; daarna sluit de "
        "controle vanzelf.",
        "en": "Remarks are still open. {names} decides on them first; then the check closes by "
        "itself.",
    },
    "error.nothing_to_send_back": {
        "nl": "Niemand heeft 'klopt niet' geantwoord: er is niets om mee terug te sturen.",
        "en": "Nobody answered 'not correct': there is nothing to send back with.",
    },
    "error.remark_required": {
        "nl": "Schrijf er kort bij waarom, dan weet de ander wat er anders moet.",
        "en": "Please add a short explanation, so the others know what must change.",
    },
    "error.not_on_roster": {
        "nl": "Voor de rol {role} is iemand gekozen die niet in dit team zit. Kies iemand uit "
        "het team; er is niets opgeslagen.",
        "en": "Someone who is not in this team was chosen for the role {role}. Choose someone "
        "from the team; nothing was saved.",
    },
    "error.one_person_only": {
        "nl": "Voor de rol {role} kies je één persoon. Er is niets veranderd.",
        "en": "Choose one person for the role {role}. Nothing has changed.",
    },
    "error.already_answered": {
        "nl": "Je hebt deze controle al beantwoord.",
        "en": "You have already answered this check.",
    },
    "error.already_confirmed": {
        "nl": "Je had je steun al bevestigd.",
        "en": "You had already confirmed your support.",
    },
    "error.already_decided": {
        "nl": "Hierover is al besloten.",
        "en": "This has already been decided.",
    },
    "error.already_finalised": {
        "nl": "Het plan ligt al ter goedkeuring voor.",
        "en": "The plan has already been put up for approval.",
    },
    "error.already_merged": {
        "nl": "De controle is al samengevoegd.",
        "en": "The check has already been merged.",
    },
    "error.already_reviewed": {
        "nl": "Je hebt deze verbetering al beoordeeld.",
        "en": "You have already reviewed this improvement.",
    },
    "error.assessment_missing": {
        "nl": "Beoordeel eerst nog deze P's: {ps}.",
        "en": "First assess these Ps as well: {ps}.",
    },
    "error.check_moved_on": {
        "nl": "De stappen na de controle zijn al verder; terugsturen kan niet meer.",
        "en": "The steps after the check have moved on; it can no longer be sent back.",
    },
    "error.not_sendable_back": {
        "nl": "Deze controle kan niet worden teruggestuurd.",
        "en": "This check cannot be sent back.",
    },
    "error.stale_round": {
        "nl": "Deze kaart hoort bij een eerdere ronde; die is al afgehandeld.",
        "en": "This card belongs to an earlier round; that has already been dealt with.",
    },
    "error.stale_revision": {
        "nl": "De tekst van deze verbetering is gewijzigd sinds deze kaart werd gemaakt; "
        "beoordeel de nieuwe tekst.",
        "en": "The text of this improvement has changed since this card was made; review the "
        "new text.",
    },
    "error.step_closed": {
        "nl": "Deze kaart hoort bij {step}, en die stap is al afgerond.",
        "en": "This card belongs to {step}, and that step is already finished.",
    },
    "error.check_not_open": {
        "nl": "De controle staat nu niet open.",
        "en": "The check is not open now.",
    },
    "error.date_in_past": {
        "nl": "Die datum is al voorbij; kies een moment in de toekomst.",
        "en": "That date has passed; choose a moment in the future.",
    },
    "error.deadline_in_past": {
        "nl": "Die deadline is al voorbij; kies een latere.",
        "en": "That deadline has passed; choose a later one.",
    },
    "error.duplicate_improvement": {
        "nl": "Elke verbetering mag maar één keer in de volgorde staan.",
        "en": "Each improvement may appear only once in the order.",
    },
    "error.duplicate_kpi": {
        "nl": "Twee KPI's hebben dezelfde naam; geef elke KPI een eigen naam.",
        "en": "Two KPIs have the same name; give each KPI its own name.",
    },
    "error.evaluation_not_due": {
        "nl": "Het evaluatiemoment is nog niet gekomen.",
        "en": "The evaluation moment has not come yet.",
    },
    "error.evaluation_requested": {
        "nl": "De evaluatie is al gevraagd; het moment ligt vast.",
        "en": "The evaluation has already been requested; its moment is fixed.",
    },
    "error.implementation_open": {
        "nl": "Nog niet alle acties van het implementatieplan zijn klaar. Wacht tot de eigenaren "
        "ze op klaar zetten, of schrijf bij het afronden wat niet af is en waarom.",
        "en": "Not all actions of the implementation plan are done yet. Wait for their owners to "
        "mark them done, or write down what is not finished and why when you finish the step.",
    },
    "error.improvement_not_selected": {
        "nl": "Die verbetering zit niet in het plan.",
        "en": "That improvement is not in the plan.",
    },
    "error.klantreis_missing": {
        "nl": "Leg eerst de klantreis vast.",
        "en": "First record the customer journey.",
    },
    "error.link_not_https": {
        "nl": "Een link moet met https:// beginnen.",
        "en": "A link must start with https://.",
    },
    "error.contact_moments_off": {
        "nl": "In deze wasstraat worden geen contactmomenten vastgelegd.",
        "en": "This wasstraat does not record contact moments.",
    },
    "error.channel_missing": {
        "nl": "Kies bij elk contactmoment het kanaal.",
        "en": "Choose the channel of each contact moment.",
    },
    "error.unknown_channel": {
        "nl": "Dat kanaal kent deze wasstraat niet; kies er een uit de lijst.",
        "en": "This wasstraat does not know that channel; choose one from the list.",
    },
    "error.link_required": {
        "nl": "Bij een VNG-klantreis hoort een link.",
        "en": "A VNG customer journey needs a link.",
    },
    "error.no_deadline_rule": {
        "nl": "Deze stap heeft geen deadline.",
        "en": "This step has no deadline.",
    },
    "error.no_implementation_items": {
        "nl": "Het implementatieplan heeft nog geen acties.",
        "en": "The implementation plan has no actions yet.",
    },
    "error.no_specialists": {
        "nl": "Wijs eerst de specialisten aan die het plan toetsen.",
        "en": "First assign the specialists who review the plan.",
    },
    "error.no_staff": {
        "nl": "Er zijn nog geen {role} om de controle aan te vragen.",
        "en": "There is no {role} yet to ask for the check.",
    },
    "error.nobody_waiting": {
        "nl": "Het traject wacht nu op niemand.",
        "en": "The trajectory is not waiting on anyone now.",
    },
    "error.not_a_holder": {
        "nl": "Die persoon heeft deze rol niet.",
        "en": "That person does not hold this role.",
    },
    "error.not_a_substitute": {
        "nl": "Die persoon vervangt niemand in deze rol.",
        "en": "That person is not substituting in this role.",
    },
    "error.not_allowed": {
        "nl": "Dat mag je rol in dit traject niet. Er is niets veranderd.",
        "en": "Your role in this trajectory may not do that. Nothing has changed.",
    },
    "error.not_a_member": {
        "nl": "Je hoort niet bij de projectgroep van dit traject. Er is niets veranderd.",
        "en": "You are not in this trajectory's project group. Nothing has changed.",
    },
    "error.not_marked_done": {
        "nl": "Deze stap wordt niet afgevinkt: hij is klaar zodra wie erover gaat heeft "
        "gereageerd.",
        "en": "This step is not ticked off: it is done once those it is about have answered.",
    },
    "error.not_mergeable": {
        "nl": "Deze controle kan niet worden samengevoegd.",
        "en": "This check cannot be merged.",
    },
    "error.not_paused": {
        "nl": "Het traject is niet gepauzeerd.",
        "en": "The trajectory is not paused.",
    },
    "error.nothing_selected": {
        "nl": "Kies eerst minstens één verbetering voor het plan.",
        "en": "First choose at least one improvement for the plan.",
    },
    "error.nothing_to_decide": {
        "nl": "Er ligt nu niets ter goedkeuring voor.",
        "en": "Nothing is up for approval now.",
    },
    "error.nothing_to_do": {
        "nl": "Er was niets ingevuld of veranderd.",
        "en": "Nothing was filled in or changed.",
    },
    "error.previous_not_finished": {
        "nl": "Het vorige traject is nog niet afgerond.",
        "en": "The previous trajectory has not finished yet.",
    },
    "error.process_map_missing": {
        "nl": "Voeg eerst de link naar de procesbeschrijving toe.",
        "en": "First add the link to the process description.",
    },
    "error.product_missing": {
        "nl": "Noem het product of de dienst, bijvoorbeeld: start Parkeervergunning.",
        "en": "Name the product or service, for example: start Parking permit.",
    },
    "error.product_too_long": {
        "nl": "Die naam is te lang; houd het kort.",
        "en": "That name is too long; keep it short.",
    },
    "error.role_not_assignable": {
        "nl": "Deze rol wordt niet in Teams toegewezen.",
        "en": "This role is not assigned in Teams.",
    },
    "error.roles_missing": {
        "nl": "Wijs eerst nog deze rollen toe: {roles}.",
        "en": "First assign these roles as well: {roles}.",
    },
    "error.self_assignment": {
        "nl": "Deze rol wijst iemand anders aan jou toe, niet jijzelf.",
        "en": "Someone else assigns this role to you, not you yourself.",
    },
    "error.serviceformule_missing": {
        "nl": "Kies eerst de serviceformule.",
        "en": "First choose the service formula.",
    },
    "error.stale_version": {
        "nl": "Deze kaart is intussen verouderd; hieronder staat hoe het er nu voor staat.",
        "en": "This card is out of date; below is where things stand now.",
    },
    "error.step_not_active": {
        "nl": "{step} loopt nu niet.",
        "en": "{step} is not running now.",
    },
    "error.paused": {
        "nl": "Het traject is gepauzeerd. Er is niets veranderd.",
        "en": "The trajectory is paused. Nothing has changed.",
    },
    "error.closed": {
        "nl": "Het traject is afgesloten. Er is niets veranderd.",
        "en": "The trajectory is closed. Nothing has changed.",
    },
    "error.support_missing": {
        "nl": "Wacht nog op de steun van de {role}.",
        "en": "Still waiting for the support of the {role}.",
    },
    "error.unclassified": {
        "nl": "Geef eerst bij elke gekozen verbetering aan of het een quick win "
        "of lange termijn is.",
        "en": "First mark every chosen improvement as a quick win or long term.",
    },
    "error.unknown_improvement": {
        "nl": "Die verbetering bestaat niet (meer).",
        "en": "That improvement does not exist (any more).",
    },
    "error.unknown_item": {
        "nl": "Die actie bestaat niet (meer).",
        "en": "That action does not exist (any more).",
    },
    "error.no_measurements": {
        "nl": "Vul voor minstens één KPI de nieuwe meting in. Er is niets veranderd.",
        "en": "Fill in the new measurement of at least one KPI. Nothing has changed.",
    },
    "error.unknown_kpi": {
        "nl": "Onbekende KPI: {kpis}.",
        "en": "Unknown KPI: {kpis}.",
    },
    "error.unknown_p": {
        "nl": "Onbekende P van de serviceformule.",
        "en": "Unknown P of the service formula.",
    },
    "error.unknown_role": {
        "nl": "Onbekende rol.",
        "en": "Unknown role.",
    },
    "error.unknown_serviceformule": {
        "nl": "Onbekende serviceformule.",
        "en": "Unknown service formula.",
    },
    "error.unknown_step": {
        "nl": "Onbekende stap.",
        "en": "Unknown step.",
    },
    "error.unresolved_rejection": {
        "nl": "Deze verbeteringen kregen 'niet akkoord'; pas ze aan of haal ze uit het plan: "
        "{improvements}.",
        "en": "These improvements got 'not agreed'; revise them or take them out of the plan: "
        "{improvements}.",
    },
    "error.until_in_past": {
        "nl": "Die einddatum is al voorbij.",
        "en": "That end date has passed.",
    },
    "error.too_many_ideas": {
        "nl": "Dat zijn veel ideeën in korte tijd (meer dan {limit} per minuut); stuur de "
        "volgende over een minuutje. Er is niets veranderd.",
        "en": "That is many ideas in a short time (more than {limit} a minute); send the next "
        "one in a minute. Nothing has changed.",
    },
    "error.too_many_items": {
        "nl": "Dit traject heeft het maximum bereikt ({limit}); ruim eerst op of bundel. "
        "Er is niets veranderd.",
        "en": "This trajectory has reached the maximum ({limit}); tidy up or combine first. "
        "Nothing has changed.",
    },
    "error.too_many_starts": {
        "nl": "Je hebt vandaag al {limit} trajecten gestart; morgen kan het weer. "
        "Er is niets veranderd.",
        "en": "You have already started {limit} trajectories today; you can start more "
        "tomorrow. Nothing has changed.",
    },
    "error.this_step": {"nl": "Deze stap", "en": "This step"},
    "error.invalid": {
        "nl": "Dat kon ik niet verwerken; controleer wat je invulde. Er is niets veranderd.",
        "en": "I could not process that; please check what you entered. Nothing has changed.",
    },
    "error.not_now": {
        "nl": "Dat kan nu niet in dit traject (de stap loopt niet of het traject is gepauzeerd). "
        "Er is niets veranderd.",
        "en": "That is not possible in this trajectory right now (the step is not running or the "
        "trajectory is paused). Nothing has changed.",
    },
    "idea.usage": {
        "nl": "Typ 'idee' gevolgd door je verbeteridee, bijvoorbeeld: idee formulier vooraf "
        "online invullen.",
        "en": "Type 'idea' followed by your improvement idea, for example: idea fill in the form "
        "online beforehand.",
    },
    "idea.none": {
        "nl": "Je doet nog niet mee aan een lopend traject, dus ik weet niet waar dit idee bij "
        "hoort.",
        "en": "You are not part of a running trajectory yet, so I don't know where this idea "
        "belongs.",
    },
    "idea.choose": {
        "nl": "Bij welk traject hoort je idee?",
        "en": "Which trajectory does your idea belong to?",
    },
    "check.choose": {
        "nl": "Je hebt meer dan één procesbeschrijving openstaan: {products}. Antwoord op de "
        "kaart van het juiste traject.",
        "en": "You have more than one process description open: {products}. Please answer on "
        "the card of the right trajectory.",
    },
    "command.nudge": {
        "nl": "herinner nu — herinner wie jouw traject laat wachten (projectleider, "
        "proceseigenaar)",
        "en": "remind now — remind whoever your trajectory waits on (project leader, process "
        "owner)",
    },
    "command.idea": {
        "nl": "idee <tekst> — stuur een verbeteridee in, op elk moment",
        "en": "idea <text> — send in an improvement idea, at any moment",
    },
    "roles.button": {"nl": "Rollen toewijzen", "en": "Assign roles"},
    "roles.title": {"nl": "Projectgroep van '{product}'", "en": "Project group of '{product}'"},
    "roles.intro": {
        "nl": "Kies per rol wie het doet. Iedereen krijgt daarna van mij een bericht.",
        "en": "Choose who takes each role. Everyone then gets a message from me.",
    },
    "roles.reason": {
        "nl": "Reden van een wijziging (bijv. verlof)",
        "en": "Reason for a change (e.g. leave)",
    },
    "roles.specialists": {"nl": "Specialisten (stap 7)", "en": "Specialists (step 7)"},
    "roles.save": {"nl": "Opslaan", "en": "Save"},
    "roles.saved.one": {
        "nl": "De rollen zijn opgeslagen: 1 rol is gewijzigd.",
        "en": "The roles have been saved: 1 role changed.",
    },
    "roles.saved.other": {
        "nl": "De rollen zijn opgeslagen: {count} rollen zijn gewijzigd.",
        "en": "The roles have been saved: {count} roles changed.",
    },
    "roles.no_roster": {
        "nl": "Ik kan de leden van dit team nu niet ophalen. Probeer het zo nog eens.",
        "en": "I cannot fetch the members of this team right now. Please try again shortly.",
    },
    "form.submit": {"nl": "Opslaan", "en": "Save"},
    "form.more": {
        "nl": "En nog {count}: zie 'Bekijk de stand' of het dossier.",
        "en": "And {count} more: see 'View the status' or the dossier.",
    },
    "form.complete": {"nl": "Deze stap is klaar", "en": "This step is done"},
    "form.saved": {"nl": "Opgeslagen.", "en": "Saved."},
    "form.support": {"nl": "Ik steun dit traject", "en": "I support this trajectory"},
    "form.kpi": {"nl": "KPI {n}", "en": "KPI {n}"},
    "form.kpi.name": {"nl": "Naam", "en": "Name"},
    "form.kpi.unit": {"nl": "Eenheid (bijv. dagen, %)", "en": "Unit (e.g. days, %)"},
    "form.kpi.add": {"nl": "Nog een KPI", "en": "Another KPI"},
    "form.kpi.baseline": {"nl": "Nulmeting", "en": "Baseline"},
    "form.kpi.target": {"nl": "Doel", "en": "Target"},
    "form.kpi.how": {"nl": "Hoe meten we dit?", "en": "How is it measured?"},
    "form.you": {"nl": "jou", "en": "you"},
    "form.submitted.kpis": {
        "nl": "De KPI's zijn op {when} door {by} voorgelegd aan {to}.",
        "en": "The KPIs were submitted to {to} by {by} on {when}.",
    },
    "form.submitted.plan": {
        "nl": "Het plan is op {when} door {by} voorgelegd aan {to}.",
        "en": "The plan was submitted to {to} by {by} on {when}.",
    },
    "form.submitted.priorities": {
        "nl": "De volgorde is op {when} door {by} voorgelegd aan {to}.",
        "en": "The order was submitted to {to} by {by} on {when}.",
    },
    "form.submitted.waiting": {
        "nl": "Het wacht nu op {people}.",
        "en": "It now waits on {people}.",
    },
    "form.submitted.open": {"nl": "Iets veranderen", "en": "Change something"},
    "form.submitted.change.kpis": {
        "nl": "Leg je een wijziging voor, dan begint een nieuwe ronde en wordt opnieuw om "
        "goedkeuring gevraagd.",
        "en": "Submitting a change starts a new round: approval is asked again.",
    },
    "form.submitted.change.plan": {
        "nl": "Een wijziging trekt het voorgelegde plan terug; maak het daarna opnieuw definitief.",
        "en": "A change withdraws the submitted plan; finalise it again afterwards.",
    },
    "form.submitted.change.priorities": {
        "nl": "Leg je een wijziging voor, dan begint een nieuwe ronde en wordt opnieuw om "
        "goedkeuring gevraagd.",
        "en": "Submitting a change starts a new round: approval is asked again.",
    },
    "form.submitted.again.kpis": {"nl": "Wijziging voorleggen", "en": "Submit the change"},
    "form.submitted.again.plan": {"nl": "Wijziging opslaan", "en": "Save the change"},
    "form.submitted.again.priorities": {"nl": "Wijziging voorleggen", "en": "Submit the change"},
    "form.kpi.submit": {
        "nl": "Voorleggen aan de proceseigenaar",
        "en": "Submit to the process owner",
    },
    "form.map_link": {
        "nl": "Link naar de procesplaat (https://…)",
        "en": "Link to the process map (https://…)",
    },
    "form.merge": {"nl": "{check} samenvoegen met {into}", "en": "Merge {check} into {into}"},
    "form.merge.plain": {"nl": "Controle samenvoegen", "en": "Merge the check"},
    "form.merge.done": {
        "nl": "De controle is samengevoegd met deze stap.",
        "en": "The check has been merged into this step.",
    },
    "form.support.given": {
        "nl": "Je steunt dit traject.",
        "en": "You support this trajectory.",
    },
    "form.kickoff": {"nl": "Datum kick-off", "en": "Date of the kick-off"},
    "form.finalise.done": {
        "nl": "Het plan ligt ter goedkeuring voor.",
        "en": "The plan has been put up for approval.",
    },
    "task.step_over": {
        "nl": "{step} is afgerond; hier is niets meer te doen.",
        "en": "{step} is finished; there is nothing left to do here.",
    },
    "task.step_over_on": {
        "nl": "{step} is op {date} afgerond; hier is niets meer te doen.",
        "en": "{step} was finished on {date}; there is nothing left to do here.",
    },
    "review_request.done": {
        "nl": "Je beoordeling is binnen. Dank je wel.",
        "en": "Your review is in. Thank you.",
    },
    "action.not_for_you": {
        "nl": "Deze kaart is niet voor jou: je hoort niet bij de projectgroep van dit traject.",
        "en": "This card is not for you: you are not in this trajectory's project group.",
    },
    "form.klantreis.method": {
        "nl": "Hoe is de klantreis gedaan?",
        "en": "How was the customer journey done?",
    },
    "method.own_interviews": {
        "nl": "Eigen interviews met inwoners",
        "en": "Own interviews with residents",
    },
    "method.vng_klantreis": {
        "nl": "Bestaande klantreis (VNG)",
        "en": "Existing customer journey (VNG)",
    },
    "method.other_feedback": {"nl": "Andere klantfeedback", "en": "Other customer feedback"},
    "form.klantreis.link": {
        "nl": "Link (bij een VNG-klantreis verplicht)",
        "en": "Link (required for a VNG journey)",
    },
    # the klantreis's contact moments and their hartslag (cards/journey.py)
    "journey.title": {"nl": "Contactmomenten", "en": "Contact moments"},
    "journey.another": {"nl": "Nog een contactmoment", "en": "Another contact moment"},
    "journey.none_yet": {
        "nl": "Nog geen contactmomenten: leg per moment het kanaal vast en hoe het voelt.",
        "en": "No contact moments yet: record each moment's channel and how it feels.",
    },
    "journey.add": {"nl": "Contactmomenten vastleggen", "en": "Record contact moments"},
    "journey.change": {"nl": "Contactmomenten aanpassen", "en": "Change the contact moments"},
    "journey.phase": {"nl": "Moment {n}: fase", "en": "Moment {n}: phase"},
    "journey.channel": {"nl": "Kanaal", "en": "Channel"},
    "journey.now": {"nl": "Nu", "en": "Now"},
    "journey.desired": {"nl": "Gewenst", "en": "Desired"},
    "journey.note": {"nl": "Toelichting", "en": "Note"},
    "journey.feeling.positive": {"nl": "positief", "en": "positive"},
    "journey.feeling.neutral": {"nl": "neutraal", "en": "neutral"},
    "journey.feeling.negative": {"nl": "negatief", "en": "negative"},
    "journey.legend": {
        "nl": "● hoe het nu voelt, ○ hoe het moet voelen",
        "en": "● how it feels now, ○ how it should feel",
    },
    "journey.line": {
        "nl": "Hartslag nu: {now}; gewenst: {desired}",
        "en": "Heartbeat now: {now}; desired: {desired}",
    },
    "form.klantreis.findings": {"nl": "Bevindingen", "en": "Findings"},
    "form.klantreis.pain": {"nl": "Pijnpunten (één per regel)", "en": "Pain points (one per line)"},
    "form.formule": {"nl": "Serviceformule", "en": "Service formula"},
    "form.p.intro_chosen": {
        "nl": "Past het huidige proces bij de {formule}? Vink aan wat past, licht toe wat afwijkt.",
        "en": "Does the current process match the {formule}? Tick what matches, explain what "
        "differs.",
    },
    "form.p.promise": {"nl": "{p} — belofte: {promise}", "en": "{p} — promise: {promise}"},
    "form.p.intro": {
        "nl": "Past het huidige proces bij de formule? Vink aan wat past, licht toe wat afwijkt.",
        "en": "Does the current process match the formula? Tick what matches, "
        "explain what differs.",
    },
    "form.p.matches": {"nl": "{p} past", "en": "{p} matches"},
    "form.p.note": {"nl": "Waarom wijkt {p} af?", "en": "Why does {p} differ?"},
    "form.improvement.select": {"nl": "Uitvoeren", "en": "Carry out"},
    "form.improvement.revise": {
        "nl": "Tekst (pas aan om de feedback te verwerken)",
        "en": "Text (change it to take in the feedback)",
    },
    "form.improvement.split": {
        "nl": "Deel afsplitsen als eigen verbetering (optioneel)",
        "en": "Split off a part as an improvement of its own (optional)",
    },
    "form.improvement.split_hint": {
        "nl": "De tekst van het nieuwe deel",
        "en": "The text of the new part",
    },
    "form.horizon": {"nl": "Soort", "en": "Kind"},
    "pick.title": {"nl": "PICK", "en": "PICK"},
    "pick.rate": {
        "nl": "Effect en moeite beoordelen (PICK)",
        "en": "Rate impact and effort (PICK)",
    },
    "pick.option": {"nl": "{quadrant}: {means}", "en": "{quadrant}: {means}"},
    "pick.quadrant.implement": {"nl": "Doen", "en": "Implement"},
    "pick.quadrant.challenge": {"nl": "Uitdaging", "en": "Challenge"},
    "pick.quadrant.possible": {"nl": "Mogelijk", "en": "Possible"},
    "pick.quadrant.kill": {"nl": "Niet doen", "en": "Kill"},
    "pick.means.implement": {"nl": "veel effect, weinig moeite", "en": "high impact, low effort"},
    "pick.means.challenge": {"nl": "veel effect, veel moeite", "en": "high impact, high effort"},
    "pick.means.possible": {"nl": "weinig effect, weinig moeite", "en": "low impact, low effort"},
    "pick.means.kill": {"nl": "weinig effect, veel moeite", "en": "low impact, high effort"},
    "pick.proposal.kill": {"nl": "niet kiezen", "en": "do not choose"},
    "pick.proposal.possible": {
        "nl": "de projectleider beslist",
        "en": "the project leader decides",
    },
    "pick.line": {
        "nl": "PICK: {quadrant} ({means}) — voorstel: {proposal}",
        "en": "PICK: {quadrant} ({means}) — proposed: {proposal}",
    },
    "pick.axis.high_impact": {"nl": "veel effect", "en": "high impact"},
    "pick.axis.low_impact": {"nl": "weinig effect", "en": "low impact"},
    "pick.axis.low_effort": {"nl": "weinig moeite", "en": "low effort"},
    "pick.axis.high_effort": {"nl": "veel moeite", "en": "high effort"},
    "pick.more.one": {"nl": "en nog {count}", "en": "and {count} more"},
    "pick.more.other": {"nl": "en nog {count}", "en": "and {count} more"},
    "pick.brief_open": {"nl": "PICK: {quadrant}", "en": "PICK: {quadrant}"},
    "pick.brief": {
        "nl": "PICK: {quadrant}, voorstel: {proposal}",
        "en": "PICK: {quadrant}, proposed: {proposal}",
    },
    "pick.cell": {"nl": "{quadrant} ({count})", "en": "{quadrant} ({count})"},
    "horizon.quick_win": {"nl": "Quick win", "en": "Quick win"},
    "horizon.long_term": {"nl": "Lange termijn", "en": "Long term"},
    "form.no_improvements": {
        "nl": "Er zijn nog geen verbeterideeën of bevindingen (uit de klantreis, de P's of de "
        "controle). Iedereen kan ideeën insturen met 'idee <tekst>'.",
        "en": "There are no improvement ideas or findings yet (from the customer journey, the "
        "P's or the check). Anyone can send ideas with 'idea <text>'.",
    },
    "form.verdict": {"nl": "Oordeel", "en": "Verdict"},
    "verdict.akkoord": {"nl": "Akkoord", "en": "Agree"},
    "verdict.akkoord_onder_voorwaarden": {
        "nl": "Akkoord onder voorwaarden",
        "en": "Agree with conditions",
    },
    "verdict.niet_akkoord": {"nl": "Niet akkoord", "en": "Disagree"},
    "form.review.remark": {"nl": "Toelichting", "en": "Explanation"},
    "form.review.as_role": {"nl": "Als {role}", "en": "As {role}"},
    "form.review.cost": {"nl": "Geschatte ICT-kosten", "en": "Estimated ICT cost"},
    "form.review.lead_time": {"nl": "Geschatte doorlooptijd", "en": "Estimated lead time"},
    "form.finalise": {
        "nl": "Plan definitief maken en voorleggen",
        "en": "Finalise the plan and submit it",
    },
    "form.priority": {
        "nl": "Volgorde (1 = eerst; leeg = niet uitvoeren)",
        "en": "Order (1 = first; empty = not carried out)",
    },
    "form.owner": {"nl": "Trekker", "en": "Owner"},
    "form.target_date": {"nl": "Klaar op", "en": "Done by"},
    "form.priorities.save": {
        "nl": "Prioriteiten vastleggen en goedkeuren",
        "en": "Set and approve the priorities",
    },
    "form.item.status": {"nl": "Stand", "en": "Progress"},
    "form.action.add": {
        "nl": "Actie toevoegen (training, documentatie …)",
        "en": "Add an action (training, documentation …)",
    },
    "form.action.text": {"nl": "Wat moet er gebeuren?", "en": "What needs doing?"},
    "form.action.hint": {
        "nl": "Bijvoorbeeld: baliemedewerkers trainen in het nieuwe formulier",
        "en": "For example: train the desk staff in the new form",
    },
    "form.action.kind": {"nl": "Soort actie", "en": "Kind of action"},
    "item.kind.training": {"nl": "Training", "en": "Training"},
    "item.kind.documentation": {
        "nl": "Documentatie of proces aanpassen",
        "en": "Change documentation or process",
    },
    "item.kind.other": {"nl": "Overig", "en": "Other"},
    "item.todo": {"nl": "Nog te doen", "en": "To do"},
    "item.no_owner": {"nl": "Nog zonder eigenaar", "en": "No owner yet"},
    "item.by": {"nl": "vóór {date}", "en": "by {date}"},
    "item.left_open": {"nl": "niet af: “{reason}”", "en": "not finished: “{reason}”"},
    "form.open_reason.one": {
        "nl": "1 actie is nog niet klaar. Wat is niet af, en waarom? (nodig om af te ronden)",
        "en": "1 action is not done yet. What is not finished, and why? (needed to finish)",
    },
    "form.open_reason.other": {
        "nl": "{count} acties zijn nog niet klaar. Wat is niet af, en waarom? (nodig om af te "
        "ronden)",
        "en": "{count} actions are not done yet. What is not finished, and why? (needed to finish)",
    },
    "form.evaluation.proposal.one": {
        "nl": "Leeg gelaten wordt het evaluatiemoment 1 maand na het afronden van deze stap.",
        "en": "Left empty, the evaluation moment is 1 month after this step is finished.",
    },
    "form.evaluation.proposal.other": {
        "nl": "Leeg gelaten wordt het evaluatiemoment {count} maanden na het afronden van deze "
        "stap; kies zelf een datum als die beter past.",
        "en": "Left empty, the evaluation moment is {count} months after this step is finished; "
        "choose a date yourself if another suits better.",
    },
    "item.doing": {"nl": "Bezig", "en": "In progress"},
    "item.done": {"nl": "Klaar", "en": "Done"},
    "form.session.date": {"nl": "Datum", "en": "Date"},
    "form.session.told": {
        "nl": "De deelnemers krijgen bericht van de sessie.",
        "en": "The participants are told about the session.",
    },
    "form.session.open": {"nl": "Sessie plannen", "en": "Plan a session"},
    "form.session.time": {"nl": "Begintijd", "en": "Start time"},
    "form.session.minutes": {"nl": "Duur in minuten", "en": "Duration in minutes"},
    "form.session.place": {"nl": "Waar (optioneel)", "en": "Where (optional)"},
    "form.session.place_hint": {
        "nl": "Bijvoorbeeld: Stadskantoor, vergaderzaal De Linde",
        "en": "For example: City office, meeting room De Linde",
    },
    "form.evaluation.date": {"nl": "Datum evaluatiemoment", "en": "Date of the evaluation moment"},
    "form.evaluation.measure": {
        "nl": "{name}: nieuwe meting (nulmeting {baseline}, doel {target} {unit})",
        "en": "{name}: new measurement (baseline {baseline}, target {target} {unit})",
    },
    "form.evaluation.went_well": {"nl": "Wat ging goed?", "en": "What went well?"},
    "form.evaluation.better": {"nl": "Wat kan beter?", "en": "What could be better?"},
    "form.idea": {"nl": "Verbeteridee (mag altijd)", "en": "Improvement idea (any time)"},
    "card.more": {"nl": "Meer…", "en": "More…"},
    "form.idea.send": {"nl": "Idee insturen", "en": "Send idea"},
    # card actions and errors
    "action.unknown": {
        "nl": "Deze knop ken ik niet (meer). Er is niets veranderd. Typ 'status' voor de "
        "actuele stand.",
        "en": "I don't know this button (any more). Nothing has changed. Type 'status' for the "
        "current state.",
    },
    "action.already_processed": {
        "nl": "Dit had ik al verwerkt.",
        "en": "I had already processed this.",
    },
    # input that is refused: too long, too much, too often (nothing changes)
    "error.too_long": {
        "nl": "Dat is te lang (max {max} tekens). Maak het korter; er is niets veranderd.",
        "en": "That is too long (max {max} characters). Please shorten it; nothing has changed.",
    },
    "error.date_too_far": {
        "nl": "Die datum ligt te ver weg: kies een moment binnen drie jaar. Er is niets veranderd.",
        "en": "That date is too far ahead: choose a moment within three years. Nothing has "
        "changed.",
    },
    "admin.not_an_object_id": {
        "nl": "Geef het volledige object-id van de persoon uit Entra, zoals "
        "6b1f0c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e. Er is niets gedaan.",
        "en": "Give the person's whole Entra object id, such as "
        "6b1f0c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e. Nothing was done.",
    },
    "error.fault": {
        "nl": "Sorry, er ging bij mij iets mis. Er is niets kwijtgeraakt; probeer het zo nog eens. "
        "Blijft het misgaan, noem dan code {code} aan de beheerder.",
        "en": "Sorry, something went wrong on my side. Nothing was lost; please try again in a "
        "moment. If it keeps failing, give code {code} to the administrator.",
    },
    # the portfolio tab (the page's texts; the page receives them embedded in its HTML)
    "tab.title": {"nl": "Wasstraat-portfolio", "en": "Wasstraat portfolio"},
    "tab.intro": {
        "nl": "Alle trajecten van de wasstraat: waar ze staan, waar het stokt en wat ze "
        "opleverden.",
        "en": "Every trajectory of the wasstraat: where it stands, where it stalls and what it "
        "achieved.",
    },
    "tab.team_intro": {
        "nl": "De trajecten van {team}: waar ze staan, waar het stokt en wat ze opleverden.",
        "en": "The trajectories of {team}: where they stand, where they stall and what they "
        "achieved.",
    },
    "tab.viewer.all": {
        "nl": "Aangemeld als {name}. Je ziet de trajecten van de hele gemeente.",
        "en": "Signed in as {name}. You see the trajectories of the whole municipality.",
    },
    "tab.viewer.teams": {
        "nl": "Aangemeld als {name}. Je ziet de trajecten van de teams waar je lid van bent.",
        "en": "Signed in as {name}. You see the trajectories of the teams you are a member of.",
    },
    "tab.outside_teams": {
        "nl": "Je bekijkt het portfolio buiten Microsoft Teams: zonder aanmelding, met de "
        "ontwikkelidentiteit van deze server.",
        "en": "You are viewing the portfolio outside Microsoft Teams: without signing in, with "
        "this server's development identity.",
    },
    "tab.sign_in": {
        "nl": "Meld je aan via Microsoft Teams om het portfolio te zien: open de Wasstraat-app "
        "in Teams met je werkaccount.",
        "en": "Sign in through Microsoft Teams to see the portfolio: open the Wasstraat app in "
        "Teams with your work account.",
    },
    "tab.failed": {
        "nl": "Het portfolio kon niet worden opgehaald. Probeer het zo nog eens.",
        "en": "The portfolio could not be fetched. Please try again in a moment.",
    },
    "tab.retry": {"nl": "Opnieuw proberen", "en": "Try again"},
    "tab.loading": {"nl": "Bezig met laden…", "en": "Loading…"},
    "tab.language": {"nl": "Taal", "en": "Language"},
    "tab.language.nl": {"nl": "Nederlands", "en": "Nederlands"},
    "tab.language.en": {"nl": "English", "en": "English"},
    "tab.trajectories.heading": {"nl": "Trajecten", "en": "Trajectories"},
    "tab.trajectories.caption": {
        "nl": "Trajecten met hun stappen, status en wie aan zet is",
        "en": "Trajectories with their steps, status and whose turn it is",
    },
    "tab.trajectories.one": {"nl": "Pagina {page}: 1 traject", "en": "Page {page}: 1 trajectory"},
    "tab.trajectories.other": {
        "nl": "Pagina {page}: {count} trajecten",
        "en": "Page {page}: {count} trajectories",
    },
    "tab.trajectories.none": {
        "nl": "Geen trajecten gevonden met deze filters.",
        "en": "No trajectories match these filters.",
    },
    "tab.filters": {"nl": "Filters", "en": "Filters"},
    "tab.filter.team": {"nl": "Team", "en": "Team"},
    "tab.filter.step": {"nl": "Stap", "en": "Step"},
    "tab.filter.status": {"nl": "Status", "en": "Status"},
    "tab.filter.year": {"nl": "Jaar", "en": "Year"},
    "tab.filter.all": {"nl": "Alle", "en": "All"},
    "tab.column.product": {"nl": "Product of dienst", "en": "Product or service"},
    "tab.column.team": {"nl": "Team", "en": "Team"},
    "tab.column.steps": {"nl": "Stappen", "en": "Steps"},
    "tab.column.status": {"nl": "Status", "en": "Status"},
    "tab.column.waiting": {"nl": "Wacht op", "en": "Waiting for"},
    "tab.column.project_leader": {"nl": "Projectleider", "en": "Project leader"},
    "tab.column.process_owner": {"nl": "Proceseigenaar", "en": "Process owner"},
    "tab.steps.key": {"nl": "Betekenis van de tekens:", "en": "What the marks mean:"},
    "tab.step.cell": {"nl": "Stap {step} {title}: {mark}", "en": "Step {step} {title}: {mark}"},
    "tab.step.cell_unnumbered": {"nl": "{title}: {mark}", "en": "{title}: {mark}"},
    "tab.waiting.detail": {
        "nl": "{what}, stap {step}, sinds {since} ({days})",
        "en": "{what}, step {step}, since {since} ({days})",
    },
    "tab.waiting.nobody": {"nl": "niemand", "en": "nobody"},
    "tab.link.thread": {"nl": "Gesprek", "en": "Thread"},
    "tab.link.thread_of": {
        "nl": "Gesprek in het kanaal over {product}",
        "en": "Thread in the channel about {product}",
    },
    "tab.link.dossier": {"nl": "Dossier", "en": "Dossier"},
    "tab.link.dossier_of": {"nl": "Dossier van {product}", "en": "Dossier of {product}"},
    "tab.page.previous": {"nl": "Vorige", "en": "Previous"},
    "tab.page.next": {"nl": "Volgende", "en": "Next"},
    "tab.page.number": {"nl": "Pagina {page}", "en": "Page {page}"},
    "tab.pages.trajectories": {"nl": "Pagina's met trajecten", "en": "Pages of trajectories"},
    "tab.pages.results": {"nl": "Pagina's met resultaten", "en": "Pages of results"},
    "tab.pages.lessons": {"nl": "Pagina's met lessen", "en": "Pages of lessons"},
    "tab.csv": {
        "nl": "Download de tabel als CSV (voor Excel)",
        "en": "Download the table as CSV (for Excel)",
    },
    "tab.stalls.heading": {"nl": "Waar het stokt", "en": "Where it stalls"},
    "tab.stalls.intro": {
        "nl": "Hoeveel dagen een stap duurt over alle trajecten: de mediaan, de middelste helft "
        "(eerste tot derde kwartiel) en van de kortste tot de langste.",
        "en": "How many days a step takes across all trajectories: the median, the middle half "
        "(first to third quartile) and from the shortest to the longest.",
    },
    "tab.stalls.chart": {
        "nl": "Grafiek van de dagen per stap: mediaan, middelste helft en kortste tot langste. "
        "Dezelfde cijfers staan in de tabel onder de grafiek.",
        "en": "Chart of the days per step: median, middle half and shortest to longest. The "
        "same numbers are in the table below the chart.",
    },
    "tab.stalls.median": {"nl": "Mediaan", "en": "Median"},
    "tab.stalls.middle": {"nl": "Middelste helft", "en": "Middle half"},
    "tab.stalls.range": {"nl": "Kortste tot langste", "en": "Shortest to longest"},
    "tab.stalls.axis": {"nl": "Dagen", "en": "Days"},
    "tab.stalls.numbers": {"nl": "De cijfers als tabel", "en": "The numbers as a table"},
    "tab.stalls.caption": {"nl": "Dagen per stap", "en": "Days per step"},
    "tab.stalls.step": {"nl": "Stap", "en": "Step"},
    "tab.stalls.count": {"nl": "Trajecten", "en": "Trajectories"},
    "tab.stalls.q1": {"nl": "Eerste kwartiel", "en": "First quartile"},
    "tab.stalls.q3": {"nl": "Derde kwartiel", "en": "Third quartile"},
    "tab.stalls.min": {"nl": "Kortste", "en": "Shortest"},
    "tab.stalls.max": {"nl": "Langste", "en": "Longest"},
    "tab.stalls.none": {
        "nl": "Er is nog geen afgeronde stap om te meten.",
        "en": "There is no finished step to measure yet.",
    },
    "tab.achieved.heading": {"nl": "Wat het opleverde", "en": "What it achieved"},
    "tab.targets": {
        "nl": "{met} van {judged} beoordeelde doelen gehaald ({share})",
        "en": "{met} of {judged} judged targets met ({share})",
    },
    "tab.targets.none": {
        "nl": "Er zijn nog geen doelen beoordeeld.",
        "en": "No targets have been judged yet.",
    },
    "tab.improvements.quadrant": {
        "nl": "Verbeteringen per PICK-kwadrant",
        "en": "Improvements by PICK quadrant",
    },
    "tab.improvements.which_quadrant": {"nl": "Kwadrant", "en": "Quadrant"},
    "tab.improvements.horizon": {
        "nl": "Verbeteringen per soort",
        "en": "Improvements by kind",
    },
    "tab.improvements.p": {
        "nl": "Verbeteringen per P van de serviceformule",
        "en": "Improvements by P of the service formula",
    },
    "tab.improvements.kind": {"nl": "Soort", "en": "Kind"},
    "tab.improvements.which_p": {"nl": "P", "en": "P"},
    "tab.improvements.implemented": {"nl": "Ingevoerd", "en": "Implemented"},
    "tab.improvements.open": {"nl": "Nog open", "en": "Still open"},
    "tab.improvements.none": {"nl": "Nog geen verbeteringen", "en": "No improvements yet"},
    "tab.results.heading": {"nl": "Resultaten per traject", "en": "Results per trajectory"},
    "tab.results.none": {
        "nl": "Er is nog geen traject geëvalueerd.",
        "en": "No trajectory has been evaluated yet.",
    },
    "tab.results.evaluated": {"nl": "Geëvalueerd op {date}", "en": "Evaluated on {date}"},
    "tab.kpi.baseline": {"nl": "Nulmeting", "en": "Baseline"},
    "tab.kpi.target": {"nl": "Doel", "en": "Target"},
    "tab.kpi.measured": {"nl": "Gemeten", "en": "Measured"},
    "tab.kpi.numbers": {
        "nl": "Nulmeting {baseline}, doel {target}, gemeten {measured}.",
        "en": "Baseline {baseline}, target {target}, measured {measured}.",
    },
    "tab.kpi.numbers_open": {
        "nl": "Nulmeting {baseline}, doel {target}, nog niet gemeten.",
        "en": "Baseline {baseline}, target {target}, not measured yet.",
    },
    "tab.kpi.met": {"nl": "Doel gehaald", "en": "Target met"},
    "tab.kpi.not_met": {"nl": "Doel niet gehaald", "en": "Target not met"},
    "tab.kpi.lower_is_better": {"nl": "lager is beter", "en": "lower is better"},
    "tab.kpi.higher_is_better": {"nl": "hoger is beter", "en": "higher is better"},
    "tab.kpi.chart": {
        "nl": "Grafiek van {name}: nulmeting, doel en gemeten waarde",
        "en": "Chart of {name}: baseline, target and measured value",
    },
    "tab.journey.title": {"nl": "Hartslag van de klantreis", "en": "Customer journey heartbeat"},
    "tab.journey.chart": {
        "nl": "Grafiek van de hartslag: hoe elk contactmoment nu voelt en hoe het moet voelen",
        "en": "Chart of the heartbeat: how each contact moment feels now and how it should feel",
    },
    "tab.journey.now": {"nl": "Nu", "en": "Now"},
    "tab.journey.desired": {"nl": "Gewenst", "en": "Desired"},
    "tab.journey.feeling.positive": {"nl": "positief", "en": "positive"},
    "tab.journey.feeling.neutral": {"nl": "neutraal", "en": "neutral"},
    "tab.journey.feeling.negative": {"nl": "negatief", "en": "negative"},
    "tab.journey.moment": {
        "nl": "{phase} ({channel}): nu {now}, gewenst {desired}",
        "en": "{phase} ({channel}): now {now}, desired {desired}",
    },
    "tab.journey.moment_open": {
        "nl": "{phase} ({channel}): nu {now}",
        "en": "{phase} ({channel}): now {now}",
    },
    "tab.lessons.heading": {"nl": "Geleerde lessen", "en": "Lessons learned"},
    "tab.lessons.search": {"nl": "Zoek in de lessen", "en": "Search the lessons"},
    "tab.lessons.hint": {
        "nl": "Zoekt in wat goed ging en wat beter kan, terwijl je typt.",
        "en": "Searches what went well and what could be better as you type.",
    },
    "tab.lessons.went_well": {"nl": "Wat ging goed", "en": "What went well"},
    "tab.lessons.could_be_better": {"nl": "Wat kan beter", "en": "What could be better"},
    "tab.lessons.one": {"nl": "1 les gevonden", "en": "1 lesson found"},
    "tab.lessons.other": {"nl": "{count} lessen gevonden", "en": "{count} lessons found"},
    "tab.lessons.none": {"nl": "Geen lessen gevonden.", "en": "No lessons found."},
    "tab.config.title": {"nl": "De Wasstraat in dit team", "en": "The Wasstraat in this team"},
    "tab.config.body": {
        "nl": "Deze tab laat de trajecten van dit team zien: waar ze staan, waar het stokt en wat "
        "ze opleverden. Iedereen ziet alleen de trajecten van teams waar hij of zij lid van is. "
        "Kies Opslaan om de tab toe te voegen.",
        "en": "This tab shows this team's trajectories: where they stand, where they stall and "
        "what they achieved. Everyone sees only the trajectories of teams they are a member of. "
        "Choose Save to add the tab.",
    },
}


def add(texts: dict[str, dict[Language, str]]) -> None:
    """Texts a kind of step brings along when it is defined outside the product: each in Dutch
    and English, none replacing one the catalogue has."""
    for key, value in texts.items():
        if key in MESSAGES or set(value) != {"nl", "en"}:
            raise ValueError(f"a new text needs a key of its own and both languages: {key}")
    MESSAGES.update(texts)


def language_for(locale: str | None, default_locale: str = "nl-NL") -> Language:
    """Dutch unless the user's Teams locale (or, without one, the default) is English."""
    chosen = (locale or default_locale or "nl").strip().lower()
    return "en" if chosen.startswith("en") else "nl"


@cache
def _locale(language: Language) -> Locale:
    return Locale.parse(language)


def plural_category(count: object, language: Language) -> str:
    """The CLDR plural category of ``count`` in ``language`` ('one', 'other', …)."""
    number = count if isinstance(count, int | float) else 0
    return str(_locale(language).plural_form(abs(number)))


def counted(key: str) -> bool:
    """Whether ``key`` is the stem of a counted text (it has a form per plural category)."""
    return key not in MESSAGES and f"{key}.other" in MESSAGES


def join(
    items: list[str], language: Language, *, style: Literal["standard", "or"] = "standard"
) -> str:
    """Names as a sentence lists them, by CLDR: "A, B en C" / "A, B and C" ("of"/"or")."""
    return lists.format_list(items, style=style, locale=_locale(language)) if items else "-"


def text(key: str, language: Language, /, **values: object) -> str:
    """The catalogue text for ``key`` in ``language``, with ``values`` filled in; for the stem
    of a counted text, its form for ``values['count']``."""
    entry = MESSAGES.get(key)
    if entry is None and counted(key):
        form = f"{key}.{plural_category(values.get('count'), language)}"
        entry = MESSAGES.get(form) or MESSAGES[f"{key}.other"]
    if entry is None:
        raise KeyError(key)
    template = entry[language]
    return template.format(**values) if values else template
