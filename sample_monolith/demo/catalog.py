"""What the demo shop sells: category tree and the words product names are made of."""

CATEGORIES: dict[str, list[str]] = {
    "Computers": ["Laptops", "Accessories"],
    "Books": ["Fiction", "Programming"],
    "Home": ["Kitchen", "Garden"],
    "Music": ["Vinyl", "Digital albums"],
}

# Leaf categories whose products are downloads (multi-table DigitalProduct rows).
DIGITAL_CATEGORIES = frozenset({"Digital albums"})

NOUNS: dict[str, list[str]] = {
    "Laptops": ["Notebook", "Ultrabook", "Workstation", "Chromebook"],
    "Accessories": ["Keyboard", "Mouse", "Monitor", "Headset", "Webcam", "Dock"],
    "Fiction": ["Novel", "Saga", "Thriller", "Anthology"],
    "Programming": ["Handbook", "Cookbook", "Primer", "Guide"],
    "Kitchen": ["Kettle", "Knife", "Skillet", "Grinder", "Blender"],
    "Garden": ["Shovel", "Hose", "Planter", "Rake"],
    "Vinyl": ["LP", "Box set", "Single", "Double LP"],
    "Digital albums": ["Album", "EP", "Live album", "Soundtrack"],
}
ADJECTIVES = ["Classic", "Compact", "Deluxe", "Essential", "Modern", "Pro", "Quiet", "Vintage"]

WAREHOUSES = [("PAR", "Paris hub", "Paris"), ("LIL", "Lille depot", "Lille"),
              ("LYO", "Lyon depot", "Lyon")]
CARRIERS = [
    ("laposte", "La Poste", "https://www.laposte.fr/outils/suivre-vos-envois?code={tracking_number}"),
    ("dhl", "DHL", "https://www.dhl.com/track?tracking-id={tracking_number}"),
    ("ups", "UPS", "https://www.ups.com/track?tracknum={tracking_number}"),
]
CITIES = [("Paris", "75011"), ("Lyon", "69002"), ("Lille", "59000"), ("Nantes", "44000"),
          ("Bordeaux", "33000"), ("Toulouse", "31000")]
STREETS = ["Rue de la Paix", "Avenue Foch", "Boulevard Voltaire", "Rue Oberkampf", "Quai Branly"]
