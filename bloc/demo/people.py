"""Plausible residents for the demo chapter: English and Spanish names."""

ENGLISH_FIRST = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony",
    "Margaret", "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Andrew", "Emily",
    "Kenneth", "Donna", "Joshua", "Michelle", "Kevin", "Carol", "Brian", "Amanda", "George",
    "Dorothy", "Timothy", "Melissa", "Ronald", "Deborah", "Tyrone", "Keisha", "Darnell", "Latoya",
    "Wei", "Mei", "Anh", "Minh", "Priya", "Rahul", "Aisha", "Omar", "Fatima", "Kwame", "Nia",
]
SPANISH_FIRST = [
    "José", "María", "Juan", "Carmen", "Luis", "Ana", "Carlos", "Rosa", "Jorge", "Guadalupe",
    "Miguel", "Isabel", "Francisco", "Lucía", "Antonio", "Teresa", "Manuel", "Elena", "Pedro",
    "Sofía", "Alejandro", "Valentina", "Javier", "Camila", "Ricardo", "Gabriela", "Fernando",
    "Daniela", "Raúl", "Mariana", "Andrés", "Paola", "Héctor", "Verónica", "Rafael", "Claudia",
    "Sergio", "Adriana", "Eduardo", "Beatriz", "Ramón", "Yolanda", "Tomás", "Leticia", "Emilio",
    "Inés", "Marisol", "Joaquín", "Alma", "Esteban",
]
ENGLISH_LAST = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker",
    "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Carter", "Roberts", "Washington",
    "Nguyen", "Chen", "Patel", "Kim", "Okafor", "Mensah", "O'Brien", "Murphy", "Kowalski",
]
SPANISH_LAST = [
    "García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez",
    "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Cruz", "Morales", "Reyes",
    "Gutiérrez", "Ortiz", "Ramos", "Vargas", "Castillo", "Jiménez", "Moreno", "Romero",
    "Herrera", "Medina", "Aguilar", "Vásquez", "Castro", "Mendoza", "Ruiz", "Álvarez", "Núñez",
    "Soto", "Delgado", "Peña", "Rojas", "Guerrero", "Salazar",
]
