"""Words the generator draws from: people, organizations, landmarks, appeal texts.

Plain constants so the generator stays deterministic and needs no outside faker.
"""

SURNAMES_KK = ["Ахметов", "Жумабаев", "Сериков", "Касымов", "Нурланов", "Омаров", "Тулегенов", "Бекенов",
               "Сейтказин", "Абенов", "Ермеков", "Кенжебаев", "Мукашев", "Искаков", "Утепов", "Байжанов"]
SURNAMES_RU = ["Иванов", "Петров", "Кузнецов", "Смирнов", "Попов", "Васильев", "Соколов", "Морозов",
               "Новиков", "Фёдоров", "Волков", "Лебедев", "Ковалёв", "Шевченко", "Бондаренко", "Ткаченко"]
FIRST_KK_M = ["Ерлан", "Нурлан", "Серик", "Асхат", "Бауыржан", "Данияр", "Ержан", "Марат", "Арман", "Канат"]
FIRST_KK_F = ["Айгуль", "Гульнара", "Жанар", "Динара", "Сауле", "Алия", "Мадина", "Асель", "Назгуль", "Айжан"]
FIRST_RU_M = ["Александр", "Сергей", "Владимир", "Андрей", "Николай", "Виктор", "Олег", "Игорь", "Юрий", "Павел"]
FIRST_RU_F = ["Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Галина", "Людмила", "Анна", "Мария"]
MOBILE_PREFIXES = ["701", "702", "705", "707", "747", "771", "775", "776", "777", "778"]

KSK_WORDS = ["Береке", "Достык", "Бірлік", "Уют", "Наш дом", "Мирас", "Нұр", "Ақ жол", "Жұлдыз", "Сәулет",
             "Северный", "Центральный", "Ишим", "Есіл", "Кызылжар", "Рассвет", "Надежда", "Комфорт", "Гарант",
             "Жайлы", "Шаңырақ", "Отау", "Бәйтерек", "Самал", "Юбилейный", "Тұрғын үй", "Мечта", "Восток",
             "Сервис-Дом", "Алтын үй", "Дружба", "Заря", "Домострой", "Теплый дом", "Жарық", "Ынтымақ",
             "Вектор", "Атамекен", "Светлый", "Орда"]

UTILITIES = {  # network kind -> (name ru, name kk)
    "heating": ("ТОО «Петропавловские тепловые сети»", "«Петропавл жылу желілері» ЖШС"),
    "water": ("ГКП «Кызылжар су» (водоснабжение)", "«Қызылжар су» МКК (сумен жабдықтау)"),
    "sewer": ("ГКП «Кызылжар су» (водоотведение)", "«Қызылжар су» МКК (су бұру)"),
    "storm": ("ГКП «Горводосток»", "«Қалалық нөсер кәрізі» МКК"),
    "power": ("АО «СевКазЭнерго» (электросети)", "«СолтүстікҚазЭнерго» АҚ (электр желілері)"),
    "gas": ("АО «QazaqGaz Аймақ» (Петропавловский филиал)", "«QazaqGaz Аймақ» АҚ (Петропавл филиалы)"),
}
DEPARTMENTS = [  # key -> (name ru, name kk)
    ("housing", "ГУ «Отдел ЖКХ г. Петропавловска»", "«Петропавл қ. ТКШ бөлімі» ММ"),
    ("roads", "ГУ «Отдел пассажирского транспорта и автодорог г. Петропавловска»",
     "«Петропавл қ. жолаушылар көлігі және автожолдар бөлімі» ММ"),
    ("nature", "ГУ «Отдел природных ресурсов г. Петропавловска»", "«Петропавл қ. табиғи ресурстар бөлімі» ММ"),
    ("inspection", "ГУ «Жилищная инспекция СКО»", "«СҚО тұрғын үй инспекциясы» ММ"),
    ("social", "ГУ «Отдел занятости и социальных программ г. Петропавловска»",
     "«Петропавл қ. жұмыспен қамту және әлеуметтік бағдарламалар бөлімі» ММ"),
    ("building", "ГУ «Отдел строительства г. Петропавловска»", "«Петропавл қ. құрылыс бөлімі» ММ"),
]
CONTRACTORS = ["ТОО «СК Кызылжар Строй»", "ТОО «Дорстрой-Петропавл»", "ТОО «Спецавтобаза»",
               "ТОО «Тазалық-Петропавл»", "ТОО «Инженерные системы СК»", "ТОО «Асфальт-Сервис»",
               "ТОО «Горремстрой»", "ТОО «Благоустройство СКО»", "ТОО «Теплострой-Север»", "ТОО «Ишим Строй»"]
POLICE = ("Управление полиции г. Петропавловска ДП СКО", "СҚО ПД Петропавл қ. полиция басқармасы")
AKIMAT = ("Аппарат акима г. Петропавловска", "Петропавл қаласы әкімінің аппараты")

# (name, use, length m, depth m, floors); one of each unique landmark, schools repeat
UNIQUE_LANDMARKS = [
    ("Акимат города Петропавловска", "government", 60, 22, 4),
    ("Центральный рынок", "market", 70, 40, 2),
    ("Областная больница", "hospital", 70, 18, 5),
    ("ТД «Пассаж»", "retail", 50, 30, 3),
    ("Железнодорожный вокзал", "station", 70, 20, 2),
    ("Драматический театр им. Погодина", "theatre", 50, 30, 3),
]
SCHOOL = ("КГУ «Средняя школа №{n}»", "school", 64, 18, 3)
KINDERGARTEN = ("Детский сад №{n}", "kindergarten", 40, 26, 2)
CLINIC = ("Городская поликлиника №{n}", "clinic", 46, 16, 4)

BUS_NUMBERS = ["1", "2", "3", "3А", "5", "7", "12", "14", "18", "21", "27", "33"]
BUS_OPERATORS = ["ТОО «Петропавловский автобусный парк»", "ТОО «Кызылжар Транс»", "ИП «Ахметов Е.»"]

# category -> (share, {incident_type: (share, place)}); place: building or street
CATEGORIES = {
    "heating": (0.14, {"heating.no_heating": (0.45, "building"), "heating.cold_flat": (0.35, "building"),
                       "heating.pipe_burst": (0.2, "street")}),
    "water": (0.14, {"water.no_water": (0.45, "building"), "water.low_pressure": (0.2, "building"),
                     "water.leak": (0.2, "street"), "water.quality": (0.15, "building")}),
    "sewerage": (0.07, {"sewerage.blockage": (0.6, "building"), "sewerage.open_manhole": (0.2, "street"),
                        "sewerage.flooded_basement": (0.2, "street")}),
    "power": (0.06, {"power.outage": (0.7, "building"), "power.voltage": (0.3, "building")}),
    "housing": (0.14, {"housing.ksk_service": (0.35, "building"), "housing.roof_leak": (0.2, "building"),
                       "housing.entrance": (0.15, "building"), "housing.elevator": (0.15, "building"),
                       "housing.inner_pipes": (0.15, "building")}),
    "roads": (0.12, {"roads.pothole": (0.4, "street"), "roads.snow": (0.45, "street"), "roads.ice": (0.15, "street")}),
    "transport": (0.05, {"transport.bus_late": (0.6, "street"), "transport.stop": (0.4, "street")}),
    "lighting": (0.06, {"lighting.light_off": (1.0, "street")}),
    "waste": (0.08, {"waste.not_collected": (0.7, "building"), "waste.illegal_dump": (0.3, "street")}),
    "improvement": (0.05, {"improvement.yard_paving": (0.55, "building"), "improvement.playground": (0.45, "building")}),
    "trees": (0.03, {"trees.trimming": (1.0, "street")}),
    "public_order": (0.03, {"public_order.noise": (0.6, "building"), "public_order.stray_dogs": (0.4, "street")}),
    "social": (0.015, {"social.benefits": (1.0, "building")}),
    "medicine": (0.015, {"medicine.appointment": (1.0, "building")}),
}
# monthly factor (Jan..Dec): heating and snow in winter, water and improvement in summer
WINTER = [3.0, 2.8, 2.0, 1.0, 0.3, 0.2, 0.2, 0.2, 0.4, 1.2, 2.2, 3.0]
SUMMER = [0.6, 0.6, 0.8, 1.0, 1.3, 1.6, 1.7, 1.6, 1.2, 0.9, 0.7, 0.6]
SEASON = {"heating": WINTER, "water": SUMMER, "improvement": SUMMER, "roads": [2.0, 2.0, 1.8, 1.6, 0.8, 0.6,
          0.6, 0.6, 0.7, 0.9, 1.5, 2.0], "lighting": WINTER}
# days to answer (PRODUCT.md: 7 days; 15 by law; 30 with a site visit)
CHANNELS = [("phone", 0.80), ("social", 0.09), ("whatsapp", 0.04), ("telegram", 0.03), ("site", 0.02), ("app", 0.02)]

DESCRIPTIONS = {
    "heating.no_heating": "Нет отопления в доме", "heating.cold_flat": "Холодно в квартире, батареи еле тёплые",
    "heating.pipe_burst": "Авария на теплотрассе, идёт пар из-под земли", "housing.inner_pipes": "Течёт батарея в подъезде",
    "water.no_water": "Нет холодной воды", "water.low_pressure": "Слабый напор воды", "water.leak": "Порыв водопровода на улице",
    "water.quality": "Ржавая вода из крана", "sewerage.blockage": "Засор канализации в подвале",
    "sewerage.open_manhole": "Открытый канализационный люк на дороге", "sewerage.flooded_basement": "Подтопление после дождя",
    "power.outage": "Нет света в доме", "power.voltage": "Скачки напряжения", "housing.ksk_service": "КСК не реагирует на заявки",
    "housing.roof_leak": "Протекает крыша", "housing.entrance": "Не убирают подъезд", "housing.elevator": "Не работает лифт",
    "roads.pothole": "Яма на дороге", "roads.snow": "Не вывозят снег, улица не чищена", "roads.ice": "Гололёд на тротуаре",
    "transport.bus_late": "Автобус не ходит по расписанию", "transport.stop": "Сломан павильон остановки",
    "lighting.light_off": "Не горят фонари", "waste.not_collected": "Не вывозят мусор",
    "waste.illegal_dump": "Стихийная свалка", "trees.trimming": "Аварийное дерево у дороги",
    "improvement.yard_paving": "Разбит асфальт во дворе", "improvement.playground": "Сломаны качели на площадке",
    "public_order.noise": "Шум ночью", "public_order.stray_dogs": "Бродячие собаки", "social.benefits": "Вопрос о назначении социальной помощи",
    "medicine.appointment": "Не могу записаться к врачу",
}

DIG_PURPOSES = {
    "heating": "Ремонт теплотрассы", "water": "Аварийный ремонт водопровода", "sewer": "Замена канализационного коллектора",
    "storm": "Прочистка ливневой канализации", "power": "Прокладка кабеля 10 кВ", "gas": "Подключение к газопроводу",
    "contractor": "Подключение нового дома к сетям",
}
