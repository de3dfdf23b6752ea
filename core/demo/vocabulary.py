"""Names, places and phrases the demo generator draws from (deterministically, by seed)."""

from __future__ import annotations

ENGLISH_FIRST = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Sophie", "Lily", "Ella", "Chloe",
    "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Oscar", "Henry", "James",
    "Margaret", "Susan", "Dorothy", "Helen", "Robert", "William", "David", "Richard", "Thomas",
    "Priya", "Aisha", "Wei", "Kwame", "Siobhán", "Zoë", "Chloé",
)  # fmt: skip
ENGLISH_LAST = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood",
    "Turner", "Martin", "Cooper", "Hill", "O'Brien", "Nguyen", "Okafor", "Kowalski",
)  # fmt: skip
SPANISH_FIRST = (
    "María", "José", "Lucía", "Sofía", "Martina", "Paula", "Valeria", "Daniela", "Julia",
    "Carmen", "Ana", "Isabel", "Pilar", "Rocío", "Inés", "Begoña", "Mónica", "Ángela",
    "Hugo", "Martín", "Lucas", "Mateo", "Álvaro", "Andrés", "Javier", "Jesús", "Íñigo",
    "Adrián", "Sergio", "Raúl", "Ramón", "Joaquín", "Nicolás", "Tomás", "Óscar", "Héctor",
)  # fmt: skip
SPANISH_LAST = (
    "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez",
    "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez",
    "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos",
    "Gil", "Ramírez", "Serrano", "Blanco", "Molina", "Morales", "Suárez", "Ortega", "Núñez",
    "Castillo", "Ibáñez", "Peña",
)  # fmt: skip
PREFIXES = ("Dr.", "Mr.", "Ms.", "Mrs.", "Prof.", "Rev.")
SPANISH_PREFIXES = ("Dr.", "Dña.", "D.", "Sra.", "Sr.")

ORGANISATIONS = (
    "Riverside Community Bank", "Fundación Horizonte", "Green Valley Co-operative",
    "Northgate Builders Ltd", "Panadería La Espiga", "The Hartley Family Foundation",
    "Asociación de Vecinos San Isidro", "Bright Futures Trust", "Clínica Dental Sonrisas",
    "Harbour Lights Hotel", "Librería El Quijote", "Oakwood Primary School PTA",
    "Talleres Mecánicos Peña", "Summit Outdoor Gear", "Cooperativa Agrícola del Sur",
)  # fmt: skip

ENGLISH_PLACES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("London", "Greater London", "GB", ("E1 6AN", "N1 9GU", "SE1 7PB", "SW9 8LF")),
    ("Manchester", "Greater Manchester", "GB", ("M1 1AE", "M14 5TQ")),
    ("Boston", "MA", "US", ("02118", "02130", "02139")),
    ("Oakland", "CA", "US", ("94607", "94612")),
)
SPANISH_PLACES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Madrid", "Madrid", "ES", ("28004", "28012", "28045")),
    ("Sevilla", "Andalucía", "ES", ("41001", "41010")),
    ("Valencia", "Comunidad Valenciana", "ES", ("46001", "46022")),
    ("Bilbao", "País Vasco", "ES", ("48001", "48007")),
)
ENGLISH_STREETS = ("High Street", "Station Road", "Church Lane", "Maple Avenue", "Elm Street")
SPANISH_STREETS = ("Calle Mayor", "Avenida de la Constitución", "Calle del Carmen",
                   "Plaza de España", "Calle de Alcalá")  # fmt: skip

TAGS = (
    ("Board", "Current and former board members"),
    ("Major donor prospect", "Capacity for a gift of 5,000 or more"),
    ("Volunteer interest", "Asked about volunteering"),
    ("Newsletter", "Receives the monthly newsletter"),
    ("Gala 2025", "Attended the 2025 spring gala"),
    ("Hispanohablante", "Prefers Spanish"),
)

NOTE_SUBJECTS = (
    "Thanked for support at the community day",
    "Asked about legacy giving",
    "Prefers contact by email",
    "Interested in the youth programme",
    "Agradeció la carta de bienvenida",
    "Pidió información sobre el voluntariado",
    "Updated address after moving",
    "Mentioned an employer matching scheme",
)
CALL_SUBJECTS = (
    "Welcome call",
    "Follow-up on event invitation",
    "Llamada de agradecimiento",
    "Checked in about newsletter preferences",
)
MEETING_SUBJECTS = (
    "Coffee with the development director",
    "Site visit to the community garden",
    "Reunión sobre el proyecto de becas",
)
FOLLOW_UP_SUBJECTS = (
    "Send impact report",
    "Invite to the autumn open day",
    "Enviar recibo anual",
    "Call back about volunteering",
)

CONSENT_WORDING_EN = (
    "Yes, I would like to receive the monthly newsletter by email. I can unsubscribe at any "
    "time using the link in every email."
)
CONSENT_WORDING_ES = (
    "Sí, quiero recibir el boletín mensual por correo electrónico. Puedo darme de baja en "
    "cualquier momento con el enlace de cada correo."
)
