"""Word lists the speaker pass reads names and descriptions with: titles, roles, descriptions
of unnamed sources, documents that speak for themselves, and common first names by gender
(for "he" and "she" to find a fitting antecedent). Written by hand from general knowledge
of English news; small on purpose.
"""

from __future__ import annotations

import re

_TITLES = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Dr|Sir|Dame|Lord|Lady|Prof|Professor|President|Premier|Chancellor|"
    r"Senator|Sen|Governor|Gov|Judge|General|Gen|Colonel|Col|Captain|Capt|King|Queen|Prince|"
    r"Princess|Pope|Rev|Prime\s+Minister|Minister|Secretary|Commissioner|Chief)\.?\s+)+"
)
# fmt: off
_TITLE_WORDS = frozenset({
    "mr", "mrs", "ms", "dr", "sir", "dame", "lord", "lady", "prof", "professor", "president",
    "premier", "chancellor", "senator", "governor", "judge", "general", "colonel", "captain",
    "king", "queen", "prince", "princess", "pope", "rev", "scientist", "researcher", "analyst",
    "economist", "expert", "lawyer", "doctor", "inspector", "detective", "sergeant",
    "constable", "superintendent", "spokesman", "spokeswoman", "spokesperson", "deputy",
    "acting", "opposition", "candidate", "skipper", "player", "pilot", "author", "writer",
    "reporter", "correspondent", "principal", "headmaster", "headmistress", "sheriff",
    "bishop", "archbishop", "rabbi", "imam", "admiral", "lieutenant", "corporal", "treasurer",
    "attorney", "solicitor", "congressman", "congresswoman", "mp", "dean", "coroner",
    "magistrate", "justice", "surgeon",
    # party labels and offices written before a name ("Republican Donald Trump", "House
    # Speaker Paul Ryan", "Sen. Bernie Sanders", "Democratic nominee Hillary Clinton")
    "republican", "republicans", "democrat", "democratic", "gop", "independent", "speaker",
    "house", "senate", "sen", "rep", "gov", "nominee", "presidential", "vice", "former",
    "pollster", "strategist", "consultant", "chairwoman", "chairman", "chair", "ceo",
    "founder", "co-founder", "host", "anchor", "columnist", "commentator", "activist",
    "campaign", "manager", "adviser", "advisor", "aide", "press",
    "majority", "minority", "whip", "leader", "mayor", "rev.",
    "u.s.", "us", "state", "rival", "opponent", "running", "mate", "businessman",
    "businesswoman", "billionaire", "mogul", "star", "actor", "actress", "singer",
    "rapper", "comedian", "historian", "investor", "director",
    "chairperson", "reps", "reps.", "sens", "sens.", "rep.", "sen.", "gov.", "lt", "lt.",
})
# fmt: on
LONGEST_PERSON_NAME = 4  # words
PERSON_PRONOUNS = frozenset({"he", "she"})
GROUP_PRONOUNS = frozenset({"they", "we"})
THING_PRONOUNS = frozenset({"it"})
# fmt: off
PERSON_ROLES = frozenset({
    "minister", "president", "premier", "chancellor", "leader", "chief", "commissioner",
    "secretary", "adviser", "advisor", "director", "manager", "coach", "captain", "senator",
    "governor", "mayor", "ambassador", "general", "commander", "officer", "controller",
    "executive", "chairman", "chairwoman", "nominee", "candidate", "speaker", "chairperson"
})
# fmt: on
SPOKES_ROLES = frozenset({"spokesman", "spokeswoman", "spokesperson"})
# fmt: off
COMPANY_ROLES = frozenset({"company", "firm", "airline", "bank", "carrier", "insurer", "club"})
BODY_ROLES = frozenset({
    "government", "department", "ministry", "agency", "company", "embassy", "army", "group",
    "organisation", "organization", "service", "council", "office", "party", "union", "legion",
    "unit", "court", "bureau", "administration"
})
# fmt: on
# fmt: off
COLLECTIVE_SPEAKERS = frozenset({
    "police", "officials", "authorities", "residents", "sources", "source", "witnesses",
    "analysts", "experts", "critics", "officers", "investigators", "doctors", "researchers",
    "scientists", "reports", "media", "commanders", "locals", "protesters", "organisers",
    "organizers", "workers", "staff", "troops", "soldiers", "rebels", "militants", "diplomats",
    "observers", "insiders", "aides", "lawyers", "prosecutors", "representatives",
    "representative", "villagers", "others", "people", "fans", "supporters", "opponents",
    "officials'", "campaigners", "activists"
})
# fmt: on
_LEADING_FILLER = re.compile(
    r"^(?:(?:but|and|so|yet|meanwhile|however|also|then|now|yesterday|today|earlier|later|"
    r"the|a|an|one|some|several|two|three|many|his|her|their|its|our|those|these|"
    r"in\s+a\s+statement|in\s+an\s+interview)\b[\s,]*)+",
    re.IGNORECASE,
)
_BACK_REFERENCE = re.compile(r"^(?:those|these|the)\s+(?P<noun>\w+)$", re.IGNORECASE)
_WORD = re.compile(r"[\w'\u2019-]+")
BACK_REFERENCE_REACH = 3000  # characters back to the description "those representatives" repeats
PRONOUN_REACH = 900  # characters back to the last speaker a pronoun may stand for
ROLE_REACH = 3000  # characters back to the person a role ("the minister") may stand for


# A document, a model, a study: a text that speaks for itself (models.base.EntityKind.work).
# fmt: off
WORK_NOUNS = frozenset({
    "report", "reports", "study", "studies", "paper", "papers", "survey", "surveys", "poll",
    "polls", "polling", "analysis", "analyses", "model", "models", "data", "research",
    "findings", "document", "documents", "memo", "memos", "letter", "letters", "statement",
    "statements", "filing", "filings", "lawsuit", "complaint", "indictment", "article",
    "book", "review", "audit", "assessment", "projections", "projection", "estimates",
    "figures", "records", "census", "investigation", "probe", "inquiry", "ruling", "email",
    "emails", "release", "website", "forecast", "forecasts", "bulletin",
    "transcript", "transcripts", "testimony", "warning", "advisory", "notice",
    "guidance", "guidelines", "manifesto", "platform", "memoir", "biography", "editorial",
    "exit", "simulation", "simulations", "experiment", "experiments", "tally", "count",
    "survey's", "poll's", "report's", "ad", "advertisement", "commercial", "text", "message",
    "messages", "post", "tweet", "tweets", "blog", "petition", "resolution", "bill",
    "legislation", "law", "proposal", "plan", "budget", "index", "chart", "graph", "map",
    "figure", "calculation", "calculations", "numbers", "statistics", "stats", "evidence",
    "readings", "measurements", "observations", "satellite", "satellites", "radar",
})
# fmt: on
# Unnamed people speaking as a group or alone ("officials", "a source", "scientists"):
# models.base.EntityKind.anonymous.
# fmt: off
ANONYMOUS_NOUNS = frozenset({
    "officials", "official", "sources", "source", "experts", "expert", "scientists",
    "scientist", "analysts", "analyst", "critics", "critic", "organizers", "organisers",
    "organizer", "organiser", "witnesses", "witness", "residents", "resident", "observers",
    "insiders", "insider", "aides", "aide", "advisers", "advisors", "adviser", "advisor",
    "people", "person", "researchers", "researcher", "economists", "economist",
    "strategists", "strategist", "diplomats", "diplomat", "investigators", "investigator",
    "doctors", "doctor", "lawyers", "lawyer", "prosecutors", "prosecutor", "activists",
    "activist", "campaigners", "supporters", "supporter", "opponents", "opponent",
    "locals", "villagers", "protesters", "protestors", "demonstrators", "workers", "worker",
    "staff", "staffers", "staffer", "employees", "employee", "members", "member",
    "representatives", "representative", "spokesperson", "spokesman", "spokeswoman",
    "commentators", "pundits", "pollsters", "pollster", "voters", "voter", "fans",
    "others", "some", "many", "most", "few", "several", "both", "all", "everyone",
    "nobody", "someone", "somebody", "authorities", "meteorologists", "forecasters",
    "forecaster", "meteorologist", "climatologists", "climatologist", "physicians",
    "specialists", "specialist", "academics", "scholars", "scholar", "historians",
    "historian", "veterans", "agents", "agent", "detectives", "detective",
    "officers", "officer", "republicans", "democrats", "conservatives", "liberals",
    "progressives", "leaders", "leader", "lawmakers", "lawmaker", "legislators",
    "legislator", "senators", "congressmen", "delegates", "donors", "donor", "allies",
    "ally", "friends", "associates", "colleagues", "colleague", "advocates", "advocate",
    "rivals", "rival", "detractors", "skeptics", "sceptics", "backers", "backer",
    "executives", "executive", "managers", "owners", "owner", "operators", "operator",
    "rescuers", "firefighters", "paramedics", "medics", "nurses", "teachers", "students",
    "parents", "families", "relatives", "neighbors", "neighbours", "survivors",
    "victims", "passengers", "travelers", "travellers", "drivers", "commanders", "rebels",
    "militants", "insurgents", "fighters", "soldiers", "troops", "police", "cops",
    "investors", "traders", "bankers", "consumers", "customers", "users", "readers",
    "viewers", "listeners", "participants", "attendees", "respondents", "insurers",
    "engineers", "engineer", "developers", "officials'",
})
# fmt: on
# Heads of descriptions of armed or uniformed bodies: a group, not an anonymous person.
GROUP_NOUNS = frozenset({"police", "army", "military", "troops", "soldiers", "forces"})

# Common first names by gender, for "he" and "she" (names used by both are in neither).
# fmt: off
FEMALE_NAMES = frozenset({
    "mary", "patricia", "jennifer", "linda", "elizabeth", "barbara", "susan", "jessica",
    "sarah", "karen", "nancy", "lisa", "betty", "margaret", "sandra", "ashley", "kimberly",
    "emily", "donna", "michelle", "dorothy", "carol", "amanda", "melissa", "deborah",
    "stephanie", "rebecca", "sharon", "laura", "cynthia", "kathleen", "amy", "shirley",
    "angela", "helen", "anna", "brenda", "pamela", "nicole", "emma", "samantha", "katherine",
    "christine", "debra", "rachel", "catherine", "carolyn", "janet", "ruth", "maria", "heather",
    "diane", "virginia", "julie", "joyce", "victoria", "olivia", "kelly", "christina", "lauren",
    "joan", "evelyn", "judith", "megan", "cheryl", "andrea", "hannah", "martha", "jacqueline",
    "frances", "gloria", "ann", "teresa", "kathryn", "sara", "janice", "jean", "alice",
    "madison", "doris", "abigail", "julia", "judy", "grace", "denise", "amber", "marilyn",
    "beverly", "danielle", "theresa", "sophia", "marie", "diana", "brittany", "natalie",
    "isabella", "charlotte", "rose", "alexis", "kayla", "hillary", "hilary", "nikki",
    "kellyanne", "ivanka", "melania", "michele", "kamala", "condoleezza", "madeleine", "sheryl",
    "huma", "debbie", "claire", "tulsi", "carly", "ellie", "ella", "chelsea", "jill", "kirsten",
    "tammy", "patty", "dianne", "lindsey", "lynn", "katie", "kate", "anne", "annie", "jane",
    "joanne", "joanna", "susanna", "suzanne", "ellen", "eleanor", "elena", "angelina",
    "angelique", "nina", "nora", "irene", "ingrid", "greta", "hanna", "johanna", "marta",
    "monica", "veronica", "valerie", "vanessa", "wendy", "yvonne", "zoe", "priya", "aisha",
    "fatima", "leila", "layla", "yasmin", "mariam", "miriam", "naomi", "esther", "tamara",
    "svetlana", "olga", "natalia", "natasha", "tatiana", "irina", "yulia", "marine", "ursula",
    "ségolène", "segolene", "jacinda", "penny", "tanya", "gina", "tina", "paula", "rita",
    "carmen", "lucia", "sofia", "ana", "beatriz", "dilma", "cristina", "michaela", "kristen",
    "kristin", "stacey", "stacy", "tracy", "tiffany", "crystal", "erin", "molly", "allison",
    "alison", "shannon", "kristina", "haley", "hayley", "caitlin", "kaitlyn", "brooke",
    "whitney", "courtney", "dana", "leslie", "lesley", "loretta", "maxine", "nadine", "pauline",
    "roxanne", "bernadette", "colleen", "maureen", "noreen", "eileen", "kathy", "cathy",
    "peggy", "sally", "sue", "jo", "meg", "beth", "liz", "becky", "jenny", "jen", "kim", "val",
})
MALE_NAMES = frozenset({
    "james", "john", "robert", "michael", "william", "david", "richard", "joseph", "thomas",
    "charles", "christopher", "daniel", "matthew", "anthony", "mark", "donald", "steven",
    "paul", "andrew", "joshua", "kenneth", "kevin", "brian", "george", "timothy", "ronald",
    "edward", "jason", "jeffrey", "ryan", "jacob", "gary", "nicholas", "eric", "jonathan",
    "stephen", "larry", "justin", "scott", "brandon", "benjamin", "samuel", "gregory",
    "alexander", "frank", "patrick", "raymond", "jack", "dennis", "jerry", "tyler", "aaron",
    "jose", "adam", "nathan", "henry", "douglas", "zachary", "peter", "kyle", "ethan", "walter",
    "noah", "jeremy", "christian", "keith", "roger", "terry", "gerald", "harold", "sean",
    "austin", "carl", "arthur", "lawrence", "dylan", "jesse", "jordan", "bryan", "billy", "joe",
    "bruce", "gabriel", "logan", "albert", "willie", "alan", "juan", "wayne", "elijah", "randy",
    "roy", "vincent", "ralph", "eugene", "russell", "bobby", "mason", "philip", "louis",
    "barack", "bernie", "bernard", "ted", "marco", "jeb", "ben", "chris", "mike", "mitt",
    "newt", "rand", "rick", "bill", "tim", "tom", "jim", "bob", "dick", "ron", "rudy", "reince",
    "corey", "steve", "rex", "vladimir", "dmitry", "sergei", "sergey", "igor", "oleksiy",
    "volodymyr", "petro", "viktor", "alexei", "alexey", "boris", "emmanuel", "francois",
    "françois", "nicolas", "jacques", "pierre", "jean-claude", "angelo", "giuseppe", "mario",
    "matteo", "silvio", "olaf", "gerhard", "helmut", "wolfgang", "jurgen", "jürgen", "hans",
    "klaus", "recep", "bibi", "naftali", "yair", "mahmoud", "ali", "mohammed", "muhammad",
    "ahmed", "hassan", "hussein", "omar", "abdullah", "xi", "shinzo", "narendra", "imran",
    "nawaz", "pervez", "malcolm", "tony", "jair", "luiz", "lula", "andres", "andrés", "enrique",
    "felipe", "carlos", "luis", "miguel", "pedro", "antonio", "manuel", "fernando", "javier",
    "diego", "pablo", "hugo", "evo", "fidel", "raul", "raúl", "kim", "moon", "shaun", "colin",
    "arnaud", "lleyton", "rafael", "novak", "andy", "tiger", "lebron", "kobe", "harry",
    "prince", "keir", "rishi", "gordon", "nigel", "nick", "ed", "dave", "jon", "jonny",
    "johnny", "danny", "jimmy", "tommy", "eddie", "freddie", "frankie", "lenny", "marty",
    "mitch", "chuck", "hank", "buck", "kirk", "clint", "dwight", "lyndon", "franklin",
    "herbert", "calvin", "woodrow", "ulysses", "abraham", "grover", "rutherford", "chester",
    "millard", "martin", "luther", "isaiah", "jeremiah", "ezekiel", "ezra", "jared", "ivan",
    "lindsey", "orrin", "lamar", "hope", "jeff",
})
# fmt: on
FEMALE_NAMES = FEMALE_NAMES - MALE_NAMES
MALE_NAMES = MALE_NAMES - FEMALE_NAMES - {"hope", "lindsey", "kim"}
MALE_TITLES = frozenset({"mr", "sir", "lord", "king", "prince", "father", "brother", "congressman"})
FEMALE_TITLES = frozenset(
    {"mrs", "ms", "miss", "dame", "lady", "queen", "princess", "sister", "congresswoman"}
)
WORD = re.compile(r"[\w'\u2019-]+")
