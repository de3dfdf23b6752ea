"""Word lists for generated people: English and Spanish names (with accents), places, tags.

Surnames are drawn Zipf-distributed by rank, so a few are very common (Smith, García) and
most are rare, as in a real donor file; that is what stresses name search and dedupe.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


EN_FIRST = _words(
    "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy "
    "Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily "
    "Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa "
    "Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia "
    "Zoë Chloé Renée Noël Siobhán Seán Éamon Niamh Aoife Ciarán"
)

ES_FIRST = _words(
    "José María Juan Ana Antonio Carmen Manuel Lucía Francisco Sofía Javier Martina David "
    "Paula Daniel Julia Carlos Valeria Miguel Elena Alejandro Laura Rafael Marta Pedro Sara "
    "Pablo Andrea Ángel Irene Sergio Claudia Fernando Alba Jorge Nuria Luis Cristina Alberto "
    "Raquel Álvaro Mónica Adrián Inés Iván Rocío Rubén Verónica Óscar Begoña Ramón Susana "
    "Jesús Noelia Víctor Pilar Joaquín Araceli Tomás Ainhoa Andrés Núria Íñigo Maite"
)

EN_LAST = _words(
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
    "Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King "
    "Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips "
    "Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Peterson "
    "Cooper Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett "
    "Gray James Hughes Price Sanders Myers Long Ross Foster Powell Jenkins Perry Russell "
    "Sullivan Fisher Henderson Coleman Simmons Patterson Jordan Reynolds Hamilton Graham "
    "Wallace Woods Cole West Owens Marshall Ellis Gibson Kennedy Wells Dunn O'Brien "
    "O'Connor Fitzgerald Byrne Lynch Doyle McCarthy Gallagher Doherty Kavanagh Brennan"
)

ES_LAST = _words(
    "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez "
    "Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres "
    "Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco Molina Morales Suárez Ortega "
    "Delgado Castro Ortiz Rubio Marín Sanz Núñez Iglesias Medina Garrido Cortés Castillo "
    "Santos Lozano Guerrero Cano Prieto Méndez Cruz Calvo Gallego Vidal León Márquez "
    "Herrera Peña Flores Cabrera Campos Vega Fuentes Carrasco Diez Caballero Reyes Nieto "
    "Aguilar Pascual Santana Herrero Lorenzo Montero Hidalgo Giménez Ibáñez Ferrer Durán "
    "Santiago Benítez Mora Vicente Vargas Arias Carmona Crespo Román Pastor Soto Sáez "
    "Velasco Moya Soler Parra Esteban Bravo Gallardo Rojas Pardo Merino Franco Espinosa "
    "Izquierdo Lara Rivas Silva Rivera Casado Arroyo Redondo Camacho Rey Vera Otero Luque"
)

EN_PLACES = (
    ("Boston", "MA", "02"),
    ("Chicago", "IL", "60"),
    ("Seattle", "WA", "98"),
    ("Austin", "TX", "78"),
    ("Denver", "CO", "80"),
    ("Portland", "OR", "97"),
    ("Atlanta", "GA", "30"),
    ("Minneapolis", "MN", "55"),
    ("Philadelphia", "PA", "19"),
    ("San Diego", "CA", "92"),
)

ES_PLACES = (
    ("Madrid", "Madrid", "28"),
    ("Barcelona", "Barcelona", "08"),
    ("Sevilla", "Sevilla", "41"),
    ("València", "Valencia", "46"),
    ("Málaga", "Málaga", "29"),
    ("Bilbao", "Bizkaia", "48"),
    ("Zaragoza", "Zaragoza", "50"),
    ("A Coruña", "A Coruña", "15"),
    ("Córdoba", "Córdoba", "14"),
    ("León", "León", "24"),
)

EN_STREETS = _words("Main Oak Maple Cedar Pine Elm Washington Lake Hill Park River Church")
ES_STREETS = (
    "Calle Mayor", "Calle del Sol", "Avenida de la Constitución", "Calle Alcalá",
    "Paseo de Gràcia", "Calle Real", "Plaza de España", "Calle San Juan",
    "Avenida de Andalucía", "Calle Nueva",
)  # fmt: skip

TAGS = (
    "Volunteer",
    "Board",
    "Major donor",
    "Newsletter",
    "Event 2024",
    "Alumni",
    "Socio",
    "Voluntario",
    "Prensa",
    "Legacy prospect",
)

ORG_WORDS = _words(
    "Foundation Trust Partners Community Fundación Asociación Cooperativa Group Society"
)
