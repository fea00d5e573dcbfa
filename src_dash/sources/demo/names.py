"""Word lists of the demo generator: French names, trades, streets and towns, company flavours.

Everything here is plain data; the generator draws from it with a seeded `random.Random`.
"""

from __future__ import annotations

from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    """Split a comma-separated list; line breaks inside an entry count as one space."""
    return tuple(w.strip() for w in " ".join(text.split()).split(",") if w.strip())


def _table(text: str) -> tuple[tuple[str, ...], ...]:
    """Split a table written one row a line, cells separated by '|'."""
    return tuple(
        tuple(cell.strip() for cell in line.split("|"))
        for line in text.splitlines()
        if line.strip()
    )


SURNAMES: tuple[str, ...] = _words(
    """
    Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau, Laurent, Simon,
    Michel, Lefèvre, Leroy, Roux, David, Bertrand, Morel, Fournier, Girard, Bonnet, Dupont,
    Lambert, Fontaine, Rousseau, Vincent, Müller, Lefèbvre, Faure, André, Mercier, Blanc, Guérin,
    Boyer, Garnier, Chevalier, François, Legrand, Gauthier, Garcia, Perrin, Robin, Clément, Morin,
    Nicolas, Henry, Roussel, Mathieu, Gautier, Masson, Marchand, Duval, Denis, Dumont, Marie,
    Lemaire, Noël, Meyer, Dufour, Meunier, Brun, Blanchard, Giraud, Joly, Rivière, Lucas, Brunet,
    Gaillard, Barbier, Arnaud, Martinez, Gérard, Roche, Renard, Schmitt, Roy, Leroux, Colin,
    Vidal, Caron, Picard, Roger, Fabre, Aubert, Lemoine, Renaud, Dumas, Lacroix, Olivier,
    Philippe, Bourgeois, Pierre, Benoît, Rey, Leclerc, Payet, Rolland, Leclercq, Guillaume,
    Lecomte, Lopez, Jean, Dupuy, Guillot, Hubert, Berger, Carpentier, Sanchez, Dupuis, Moulin,
    Louis, Deschamps, Huet, Vasseur, Perez, Boucher, Fleury, Royer, Klein, Jacquet, Adam, Paris,
    Poirier, Marty, Aubry, Guyot, Carré, Charles, Renault, Charpentier, Ménard, Maillard, Baron,
    Bertin, Bailly, Hervé, Schneider, Fernandez, Le Gall, Collet, Léger, Bouvier, Julien, Prévost,
    Millet, Perrot, Daniel, Le Roux, Cousin, Germain, Breton, Besson, Langlois, Rémy, Le Goff,
    Pelletier, Lévêque, Perrier, Leblanc, Barré, Lebrun, Marchal, Weber, Mallet, Hamon, Boulanger,
    Jacob, Monnier, Michaud, Rodriguez, Guichard, Gillet, Étienne, Grondin, Poulain, Tessier,
    Chevallier, Collin, Chauvin, Da Silva, Bouchet, Gay, Lemaître, Bénard, Maréchal, Humbert,
    Reynaud, Antoine, Hoarau, Perret, Barthélemy, Cordier, Pichon, Lejeune, Gilbert, Lamy,
    Delaunay, Pasquier, Carlier, Laporte, Œillet, Besançon, Tissot, Cœur, Lefranc, Desprès,
    Béranger, Bossuet, Chénier
    """
)

FIRST_NAMES_M: tuple[str, ...] = _words(
    """
    Jean, Pierre, Michel, André, Philippe, Alain, Jacques, Bernard, Éric, Christophe, Stéphane,
    Laurent, Frédéric, Olivier, Nicolas, Julien, Sébastien, Thierry, Hervé, Patrick, Jérôme,
    François, Benoît, Guillaume, Mathieu, Antoine, Hugo, Lucas, Théo, Maxime, Cédric, Raphaël,
    Loïc, Grégoire, Amaury, Anaël, Noël, Joël, Gaël, Régis
    """
)

FIRST_NAMES_F: tuple[str, ...] = _words(
    """
    Marie, Nathalie, Isabelle, Sylvie, Catherine, Françoise, Valérie, Christine, Sandrine, Céline,
    Véronique, Sophie, Stéphanie, Aurélie, Émilie, Julie, Camille, Léa, Chloé, Manon, Hélène,
    Agnès, Béatrice, Cécile, Élodie, Mélanie, Noémie, Anaïs, Maëlle, Clémence, Gaëlle, Laëtitia,
    Hélèna, Solène, Inès, Zoé, Joëlle, Adèle, Bérénice, Léonie
    """
)

STREET_KINDS: tuple[str, ...] = _words(
    """
    rue, rue, rue, avenue, boulevard, chemin, place, allée, impasse, route, quai, cours
    """
)

STREET_NAMES: tuple[str, ...] = _words(
    """
    de la République, Victor Hugo, Jean Jaurès, de la Gare, du Général de Gaulle, Pasteur, des
    Écoles, de l'Église, du Moulin, des Lilas, de Verdun, Gambetta, Émile Zola, des Tanneurs, du
    Château, de la Libération, Carnot, Voltaire, des Châtaigniers, Saint-Exupéry, Molière, de
    Bretagne, des Forges, de l'Industrie, du Commerce, des Artisans, Anatole France, Jules Ferry,
    des Peupliers, de la Croix-Rousse, Marcel Pagnol, Frédéric Mistral, des Cèdres, du Maréchal
    Foch, Édouard Herriot, des Œillets, de la Forêt, du Lac, des Coquelicots, Paul Cézanne, de
    Provence, des Vergers, de la Chênaie
    """
)

COMPLEMENTS: tuple[str, ...] = _words(
    """
    ZA des Chênes, ZI Nord, Bâtiment B, Parc d'activités du Moulin, BP 42, Zone artisanale, Le
    Clos Saint-Éloi, Immeuble Le Forum, ZAC de la Plaine, Lot. Les Pins, CS 70012, 2e étage,
    Résidence Les Alizés, Espace Mistral
    """
)

# (postal code, town, phone area code 01..05)
TOWNS_NATIONAL: tuple[tuple[str, ...], ...] = _table(
    """
    75011 | Paris | 01
    75015 | Paris | 01
    92100 | Boulogne-Billancourt | 01
    93200 | Saint-Denis | 01
    94300 | Vincennes | 01
    78000 | Versailles | 01
    69002 | Lyon | 04
    69003 | Lyon | 04
    69007 | Lyon | 04
    69100 | Villeurbanne | 04
    69200 | Vénissieux | 04
    38000 | Grenoble | 04
    42000 | Saint-Étienne | 04
    01000 | Bourg-en-Bresse | 04
    73000 | Chambéry | 04
    74000 | Annecy | 04
    26000 | Valence | 04
    63000 | Clermont-Ferrand | 04
    71100 | Chalon-sur-Saône | 03
    21000 | Dijon | 03
    25000 | Besançon | 03
    67000 | Strasbourg | 03
    68100 | Mulhouse | 03
    57000 | Metz | 03
    54000 | Nancy | 03
    51100 | Reims | 03
    59000 | Lille | 03
    59100 | Roubaix | 03
    62000 | Arras | 03
    80000 | Amiens | 03
    76000 | Rouen | 02
    14000 | Caen | 02
    35000 | Rennes | 02
    29200 | Brest | 02
    44000 | Nantes | 02
    49000 | Angers | 02
    37000 | Tours | 02
    45000 | Orléans | 02
    72000 | Le Mans | 02
    56000 | Vannes | 02
    33000 | Bordeaux | 05
    64000 | Pau | 05
    31000 | Toulouse | 05
    87000 | Limoges | 05
    86000 | Poitiers | 05
    17000 | La Rochelle | 05
    66000 | Perpignan | 04
    34000 | Montpellier | 04
    30000 | Nîmes | 04
    13001 | Marseille | 04
    13100 | Aix-en-Provence | 04
    06000 | Nice | 04
    83000 | Toulon | 04
    84000 | Avignon | 04
    20000 | Ajaccio | 04
    """
)

TOWNS_PROVENCE: tuple[tuple[str, ...], ...] = _table(
    """
    13001 | Marseille | 04
    13008 | Marseille | 04
    13010 | Marseille | 04
    13100 | Aix-en-Provence | 04
    13200 | Arles | 04
    13300 | Salon-de-Provence | 04
    13400 | Aubagne | 04
    13500 | Martigues | 04
    13600 | La Ciotat | 04
    13127 | Vitrolles | 04
    84000 | Avignon | 04
    84200 | Carpentras | 04
    84300 | Cavaillon | 04
    84120 | Pertuis | 04
    84800 | L'Isle-sur-la-Sorgue | 04
    83000 | Toulon | 04
    83300 | Draguignan | 04
    83400 | Hyères | 04
    83990 | Saint-Tropez | 04
    06000 | Nice | 04
    06400 | Cannes | 04
    06130 | Grasse | 04
    04100 | Manosque | 04
    04000 | Digne-les-Bains | 04
    05000 | Gap | 04
    30000 | Nîmes | 04
    30900 | Nîmes | 04
    34000 | Montpellier | 04
    26200 | Montélimar | 04
    69007 | Lyon | 04
    75012 | Paris | 01
    33000 | Bordeaux | 05
    """
)

# Export customers: ISO currency -> (country as Sage shows it, towns (postal code, town), phone)
FOREIGN: dict[str, tuple[str, tuple[tuple[str, str], ...], str]] = {
    "USD": (
        "États-Unis",
        (
            ("10001", "New York"),
            ("02108", "Boston"),
            ("60601", "Chicago"),
            ("94105", "San Francisco"),
        ),
        "+1 212",
    ),
    "GBP": (
        "Royaume-Uni",
        (
            ("EC1A 1BB", "London"),
            ("M1 1AE", "Manchester"),
            ("EH1 1YZ", "Edinburgh"),
            ("BS1 4DJ", "Bristol"),
        ),
        "+44 20",
    ),
    "CHF": (
        "Suisse",
        (("1201", "Genève"), ("1003", "Lausanne"), ("8001", "Zürich"), ("2000", "Neuchâtel")),
        "+41 22",
    ),
}

# EUR export (intra-EU, no VAT): (country, postal code, town, phone prefix)
EU_EXPORT: tuple[tuple[str, ...], ...] = _table(
    """
    Belgique | 1000 | Bruxelles | +32 2
    Belgique | 4000 | Liège | +32 4
    Allemagne | 79098 | Freiburg im Breisgau | +49 761
    Luxembourg | L-1111 | Luxembourg | +352
    Italie | 10121 | Torino | +39 011
    Espagne | 08001 | Barcelona | +34 93
    """
)

FOREIGN_NAMES: dict[str, tuple[str, ...]] = {
    "USD": (
        "Harbor Supply Inc.",
        "Bluebird Crafts LLC",
        "Keystone Interiors Inc.",
        "Maple & Co Trading",
        "Granite State Fixtures",
        "Sunset Gourmet LLC",
    ),
    "GBP": (
        "Thames Fittings Ltd",
        "Cotswold Provisions Ltd",
        "Brighton & Hove Stores",
        "Northern Workshop Ltd",
        "Highland Fine Foods",
        "Kensington Décor Ltd",
    ),
    "CHF": (
        "Léman Distribution SA",
        "Helvetia Ateliers Sàrl",
        "Confiserie Zürcher AG",
        "Jura Horlogerie Sàrl",
        "Valais Gourmet SA",
        "Bernoise Équipements AG",
    ),
    "EUR": (
        "Brasserie Van Damme SPRL",
        "Feinkost Schäfer GmbH",
        "Épicerie du Grand-Duché",
        "Ferramenta Rossi Srl",
        "Distribuciones Peña SL",
        "Maison Dewaele SA",
    ),
}

LEGAL_FORMS: tuple[str, ...] = _words(
    """
    SARL, SARL, SAS, SAS, SAS, SA, EURL, SNC, SASU, SCOP
    """
)

# Public bodies and big accounts, used for a few "grand compte" / "collectivité" customers.
BIG_ACCOUNTS: tuple[str, ...] = _words(
    """
    Mairie de {town}, Communauté d'agglo. de {town}, CHU de {town}, Lycée Jean Moulin {town},
    Groupe Hôtelier {surname}, Coopérative {surname}, Hypermarché {surname} {town}, Clinique
    {surname}
    """
)


@dataclass(frozen=True)
class Flavour:
    """What makes one demo company different from another (trade, region, habits)."""

    activity: str
    trades: tuple[tuple[str, str], ...]  # (customer trade, 3-letter code stem)
    towns: tuple[tuple[str, str, str], ...]
    median_invoice_eur: int
    natural_invoices_per_month: float
    sales_label: str  # label of the sales account
    account_digits: int  # 6 -> 411000, 8 -> 41100000
    numeric_customer_codes: bool
    behaviour_weights: tuple[float, float, float, float, float]  # good slow chronic erratic disp.
    invoice_prefix: str
    credit_prefix: str
    company_address: tuple[str, str, str, str, str]  # adresse, complément, CP, ville, tél
    company_siren: str
    company_email: str
    staff_user: str  # cbCreateur of manual entries


FLAVOURS: dict[str, Flavour] = {
    "DEMO1": Flavour(
        activity="Métallerie, serrurerie et agencement",
        trades=(
            ("Boulangerie", "BOU"),
            ("Pâtisserie", "PAT"),
            ("Menuiserie", "MEN"),
            ("Garage", "GAR"),
            ("Plomberie", "PLO"),
            ("Électricité", "ELE"),
            ("Cabinet d'architecture", "ARC"),
            ("Restaurant", "RES"),
            ("Brasserie", "BRA"),
            ("Hôtel", "HOT"),
            ("Pharmacie", "PHA"),
            ("Boucherie", "BCH"),
            ("Fromagerie", "FRO"),
            ("Charpente", "CHA"),
            ("Maçonnerie", "MAC"),
            ("Agencement", "AGE"),
            ("Carrosserie", "CAR"),
            ("Ferronnerie", "FER"),
            ("Imprimerie", "IMP"),
            ("Librairie", "LIB"),
            ("Cave à vins", "CAV"),
            ("Crèche", "CRE"),
            ("Transports", "TRA"),
            ("Paysagiste", "PAY"),
            ("Syndic", "SYN"),
            ("Fleuriste", "FLE"),
            ("Opticien", "OPT"),
            ("Cordonnerie", "COR"),
        ),
        towns=TOWNS_NATIONAL,
        median_invoice_eur=780,
        natural_invoices_per_month=1.5,
        sales_label="Prestations de services",
        account_digits=6,
        numeric_customer_codes=False,
        behaviour_weights=(0.46, 0.24, 0.11, 0.11, 0.08),
        invoice_prefix="FA",
        credit_prefix="AV",
        company_address=(
            "14 rue des Forges",
            "ZI de la Mouche",
            "69200",
            "Vénissieux",
            "04 78 70 12 34",
        ),
        company_siren="512347896",
        company_email="compta@atelier-dumas.fr",
        staff_user="MDU",
    ),
    "DEMO2": Flavour(
        activity="Emballages alimentaires et cartonnages",
        trades=(
            ("Domaine", "DOM"),
            ("Cave coopérative", "CAV"),
            ("Moulin à huile", "MOU"),
            ("Savonnerie", "SAV"),
            ("Confiserie", "CON"),
            ("Biscuiterie", "BIS"),
            ("Calissonnerie", "CAL"),
            ("Torréfaction", "TOR"),
            ("Traiteur", "TRA"),
            ("Fromagerie", "FRO"),
            ("Primeurs", "PRI"),
            ("Distillerie", "DIS"),
            ("Parfumerie", "PAR"),
            ("Épicerie fine", "EPI"),
            ("Miellerie", "MIE"),
            ("Conserverie", "CNS"),
            ("Brasserie artisanale", "BRA"),
            ("Nougaterie", "NOU"),
            ("Chocolaterie", "CHO"),
            ("Herboristerie", "HER"),
        ),
        towns=TOWNS_PROVENCE,
        median_invoice_eur=2300,
        natural_invoices_per_month=1.0,
        sales_label="Ventes de produits finis",
        account_digits=8,
        numeric_customer_codes=True,
        behaviour_weights=(0.38, 0.27, 0.15, 0.10, 0.10),
        invoice_prefix="F",
        credit_prefix="A",
        company_address=(
            "Chemin de la Garrigue",
            "ZA Les Milles",
            "13290",
            "Aix-en-Provence",
            "04 42 24 56 78",
        ),
        company_siren="438915207",
        company_email="comptabilite@provence-emballages.fr",
        staff_user="CLA",
    ),
}

SUPPLIERS: tuple[tuple[str, str, str], ...] = (
    # (name, code stem, expense account stem)
    ("EDF Entreprises", "EDF", "606100"),
    ("Orange Business", "ORANGE", "626000"),
    ("Métaux Rhône Distribution", "METAUX", "601000"),
    ("Transports Giraud & Fils", "GIRAUD", "624100"),
    ("Cartonnages du Sud-Est", "CARTSE", "601000"),
    ("Bureau Vallée Pro", "BUREAU", "606400"),
    ("Lyreco France", "LYRECO", "606400"),
    ("Crédit Agricole Leasing", "CALEAS", "612200"),
)

SERVICES: tuple[tuple[int, str, str], ...] = (
    (1, "Comptabilité", "CPT"),
    (2, "Achats", "ACH"),
    (3, "Direction", "DIR"),
    (4, "Commercial", "COM"),
)

FUNCTIONS_BY_SERVICE: dict[int, tuple[str, ...]] = {
    1: (
        "Comptable",
        "Responsable comptable",
        "Directeur administratif et financier",
        "Assistante comptable",
        "Chargée de recouvrement",
    ),
    2: ("Acheteur", "Responsable achats", "Approvisionneur"),
    3: ("Gérant", "Directeur général", "Président", "Directrice"),
    4: ("Responsable commercial", "Chef de rayon", "Commercial sédentaire"),
}

CONTACT_TYPES: tuple[tuple[int, str], ...] = (
    (1, "Facturation"),
    (2, "Décisionnaire"),
    (3, "Opérationnel"),
    (4, "Autre"),
)

PAYMENT_METHODS: tuple[tuple[int, str, str], ...] = (
    (1, "VIR", "Virement"),
    (2, "CHQ", "Chèque"),
    (3, "LCR", "LCR"),
    (4, "PRE", "Prélèvement"),
    (5, "CB", "Carte bancaire"),
)

CURRENCIES: tuple[tuple[int, str, str, str, str], ...] = (
    # (cbIndice, label, ISO, symbol, rate = units of currency for 1 EUR)
    (1, "Dollar US", "USD", "$", "1.0850"),
    (2, "Livre sterling", "GBP", "£", "0.8450"),
    (3, "Franc suisse", "CHF", "CHF", "0.9420"),
)

RISKS: tuple[tuple[int, str, int, str, str], ...] = (
    # (cbIndice, label, R_Type 0 livraison / 1 surveillance / 2 blocage, min, max)
    (1, "Client sain", 0, "0", "0"),
    (2, "À surveiller", 1, "0", "15000"),
    (3, "Bloqué", 2, "0", "0"),
)

DISPUTE_LABELS: tuple[str, ...] = _words(
    """
    Avoir litige qualité, Avoir marchandise abîmée, Avoir erreur de prix, Avoir livraison
    incomplète, Avoir geste commercial
    """
)

COMMERCIAL_CREDIT_LABELS: tuple[str, ...] = _words(
    """
    Avoir remise fin d'année, Avoir retour marchandise, Avoir ristourne, Avoir consigne palettes
    """
)
