"""Made-up names for demo libraries, classes and people. Plain data, no logic."""

from __future__ import annotations

# (name, code part) of library systems; codes become demo-<part>.
LIBRARY_SYSTEMS = [
    ("Riverside Public Library", "riverside"),
    ("Lakeside County Library", "lakeside"),
    ("Cedar Valley Libraries", "cedar-valley"),
    ("Harbor City Public Library", "harbor-city"),
    ("Pine Hills Library District", "pine-hills"),
    ("Maple Grove Library System", "maple-grove"),
    ("Sierra Vista Public Library", "sierra-vista"),
    ("Brookfield Regional Library", "brookfield"),
]

BRANCHES = [
    ("Central Library", "central"),
    ("Eastside Branch", "eastside"),
    ("Westview Branch", "westview"),
    ("Northgate Branch", "northgate"),
    ("South Park Branch", "south-park"),
    ("Oak Street Branch", "oak-street"),
    ("Mill Creek Branch", "mill-creek"),
    ("Hillcrest Branch", "hillcrest"),
    ("Las Palmas Branch", "las-palmas"),
    ("Fairview Branch", "fairview"),
    ("Bookmobile", "bookmobile"),
    ("Elm Avenue Branch", "elm-avenue"),
]

CLASS_NAMES = [
    "Tuesday Digital Skills",
    "Health Info Club",
    "Computer Basics for Seniors",
    "Salud y Tecnología",
    "Evening Health Literacy",
    "Research Volunteers Circle",
    "Patient Portal Workshop",
    "Saturday Learning Lab",
    "Caregivers' Corner",
    "New Readers Group",
]

SCHEDULE_NOTES = [
    "Tuesdays 10:00-11:30, Room B",
    "Thursdays 18:00-19:30",
    "Saturdays 11:00, computer lab",
    "Mondays and Wednesdays 14:00",
    "First Friday of the month, 10:00",
    None,
]

ASSIGNMENT_NOTES = [
    "Finish before our next meeting.",
    "Bring your questions to class.",
    "Take your time; ask at the desk if you get stuck.",
    None,
    None,
]

FIRST_NAMES_EN = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Betty", "Anthony", "Margaret",
    "Mark", "Sandra", "Donald", "Ashley", "Kevin", "Dorothy", "Brian", "Kimberly", "George",
    "Emily", "Aisha", "Wei", "Priya", "Tuan", "Fatima", "Kwame", "Mei", "Omar", "Grace",
    "Samuel", "Ruth", "Henry", "Joyce", "Walter",
]  # fmt: skip

FIRST_NAMES_ES = [
    "José", "María", "Juan", "Guadalupe", "Luis", "Ana", "Carlos", "Rosa", "Jorge", "Carmen",
    "Miguel", "Lucía", "Francisco", "Elena", "Antonio", "Sofía", "Manuel", "Isabel", "Pedro",
    "Verónica", "Alejandro", "Patricia", "Ramón", "Teresa", "Héctor", "Gabriela", "Raúl",
    "Marisol", "Jesús", "Adriana",
]  # fmt: skip

LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris",
    "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott",
    "Nguyen", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts",
    "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards", "Collins", "Chen", "Patel",
    "Kim", "Okafor", "Mensah", "Ali", "Cohen",
]  # fmt: skip

LAST_NAMES_ES = [
    "García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez",
    "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Cruz", "Morales", "Reyes",
    "Gutiérrez", "Ortiz", "Chávez", "Ruiz", "Jiménez", "Núñez", "Castillo", "Vargas",
]  # fmt: skip
