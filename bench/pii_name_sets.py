"""Names and sentences for bench/pii_name_recall.py.

Two sets. `DEV` is the set the PERSON recognizers were developed against
(the bench's original names and forms). `HELDOUT` was written and committed
before the name gazetteer existed and is never used to tune it: different
names (none in `DEV`, from other languages and regions, several of them also
common English words) in different sentences. A figure on `HELDOUT` is the
one to quote; a figure on `DEV` was measured on data the recognizers were
tuned on.

Product text for the false-positive side lives in ../shared/data (Flipkart
descriptions): rows 0-499 are for tuning, rows 500 onward are held out.
"""

# Name tables read better as rows than as one name per line.
# fmt: off
DEV_FIRST = [
    "Maria", "James", "Aisha", "Lukas", "Chen", "Sofia", "Olivier", "Priya", "Mateo", "Hannah",
    "Kwame", "Elena", "Tomasz", "Yuki", "Fatima", "Liam", "Ingrid", "Rahul", "Chloe", "Diego",
]
DEV_LAST = [
    "Garcia", "Smith", "Okafor", "Becker", "Wang", "Rossi", "Dubois", "Sharma", "Lopez", "Schmidt",
    "Mensah", "Petrova", "Nowak", "Tanaka", "Haddad", "Murphy", "Larsen", "Gupta", "Martin", "Fernandez",
]
HELDOUT_FIRST = [
    "Oluwaseun", "Minh", "Emre", "Beatriz", "Siobhan", "Omar", "Anders", "Nadia", "Caleb", "Ximena",
    "Dmitri", "Leilani", "Kofi", "Margaux", "Arjun", "Zainab", "Henrik", "Camila", "Tariq", "Greta",
    "Ravi", "Ana", "Connor", "Mei", "Joaquin", "Amara", "Felix", "Noor", "Wei", "Ruby",
]
HELDOUT_LAST = [
    "Adeyemi", "Nguyen", "Yilmaz", "Costa", "Byrne", "Khalil", "Park", "Lindqvist", "Brooks", "Ramirez",
    "Volkov", "Kahale", "Boateng", "Lefebvre", "Iyer", "Bello", "Johansson", "Oliveira", "Rahman", "Weber",
    "Patel", "Silva", "Walsh", "Zhang", "Morales", "Eze", "Hoffmann", "Aziz", "Liu", "Fox",
]
# fmt: on

DEV_FORMS = {
    "title": ["Delivered to Mr {f} {l} yesterday.", "Dr. {l} recommended this pillow.", "Ask Ms {f} {l} about sizes."],
    "field": ["Name: {f} {l}\nOrder 4471", "Customer: {f} {l}, order shipped.", "Reviewer: {f} {l}"],
    "greeting": ["Dear {f} {l}, your order is on its way.", "Hi {f}, thanks for the review!", "Thanks, {f} {l}"],
    "verb cue": [
        "{f} {l} wrote that the strap broke.",
        "{f} {l} ordered two of these.",
        "{f} {l} from Leeds says it fits well.",
    ],
    "bare in prose": [
        "My friend {f} {l} loves this kettle.",
        "Bought it for {f}, who uses it daily.",
        "The gift for {f} {l} arrived late.",
        "{f} says the colour is lovely.",
    ],
    "lower case": ["thanks to {fl} {ll} for the tip", "ordered by {fl} {ll} last week"],
}
HELDOUT_FORMS = {
    "title": ["Please hand it to Mrs {f} {l} at reception.", "Prof. {l} uses it in class."],
    "field": ["Recipient: {f} {l}", "Contact = {f} {l}", "Bill to: {f} {l}, 2 items"],
    "greeting": ["Hello {f}, your refund is done.", "Regards, {f} {l}", "Cheers {f}!"],
    "verb cue": ["{f} {l} said the lid cracks.", "{f} {l} bought three for the office."],
    "bare in prose": [
        "I gave one to {f} {l} for her birthday.",
        "{f} and I both use it every morning.",
        "Even {f} {l} could assemble it.",
        "Our neighbour {f} recommended the brand.",
        "{f} {l}'s review convinced me.",
        "Sent back after {f} found a scratch.",
    ],
    "lower case": ["shout out to {fl} {ll} in support", "{fl} {ll} helped me choose the size"],
}
SETS = {
    "dev": (DEV_FIRST, DEV_LAST, DEV_FORMS),
    "heldout": (HELDOUT_FIRST, HELDOUT_LAST, HELDOUT_FORMS),
}
