-- Demo data: the Maastricht subsidy scheme for algemene voorzieningen (DOMAIN.md §6, §6a; seed 002
-- §4 and §6). Run by the demo loader as the database owner, inside the demo transaction, after the
-- tenant, its areas, providers, facilities and users exist, with the tenant in the setting
-- demo.tenant. Every date follows from now(): Y is the coming subsidy year.
--
-- Last year's round (year Y-1) is closed and fully scored by two assessors, but not decided: the
-- application computes the price criterion, the final scores, the ranking and the outcomes.
-- This year's round (year Y) is open, with two submitted applications and one concept.
do $$
declare
    t          uuid := current_setting('demo.tenant')::uuid;
    y          integer := extract(year from now() at time zone 'Europe/Amsterdam')::integer + 1;
    slug       text;
    scheme     uuid;
    round_prev uuid;
    round_cur  uuid;
    opens_prev  timestamptz := now() - interval '400 days';
    closes_prev timestamptz := (date_trunc('day', (now() at time zone 'Europe/Amsterdam') - interval '358 days')
                                + interval '12 hours 59.999999 seconds') at time zone 'Europe/Amsterdam';
    closes_cur  timestamptz := (date_trunc('day', (now() at time zone 'Europe/Amsterdam') + interval '35 days')
                                + interval '23 hours 59 minutes 59.999999 seconds') at time zone 'Europe/Amsterdam';
    u_beoordelaar uuid;
    u_beleid      uuid;
    u_aanbieder   uuid;
    p_aanbieder   uuid;
    r          record;
    prov       uuid;
    fac        uuid;
    app        uuid;
    submitted  timestamptz;
    provs      jsonb := '{}';
begin
    select tn.slug into strict slug from tenants tn where tn.tenant_id = t;
    select user_id into u_beoordelaar from users where tenant_id = t and email = 'beoordelaar@' || slug || '.demo';
    select user_id into u_beleid from users where tenant_id = t and email = 'beleid@' || slug || '.demo';
    select user_id, provider_id into u_aanbieder, p_aanbieder
        from users where tenant_id = t and email = 'aanbieder@' || slug || '.demo';
    if u_beoordelaar is null or u_beleid is null or p_aanbieder is null then
        raise exception 'subsidy demo: the demo users of tenant % are missing', slug;
    end if;

    -- The scheme, its budget per year and its funding sources.
    insert into subsidy_schemes (tenant_id, name, legal_basis, kind, first_year, last_year, description, objection_body)
    values (t, 'Subsidieregeling Algemene Voorzieningen Maastricht',
            'Deze regeling berust op artikel 4 van de Algemene Subsidieverordening Maastricht (ASV), dat het college '
            || 'bevoegd maakt bij nadere regeling subsidieplafonds vast te stellen en te bepalen hoe het beschikbare '
            || 'bedrag wordt verdeeld, en op de Subsidieregeling Algemene Voorzieningen Maastricht zelf. Op de '
            || 'verstrekking is titel 4.2 van de Algemene wet bestuursrecht (Awb) van toepassing, in het bijzonder '
            || 'de artikelen 4:25 tot en met 4:28 over subsidieplafonds en de verdeling.',
            'tender', y - 1, y + 2,
            'Subsidie voor algemene voorzieningen in de buurten van Maastricht: huiskamers, algemene voorzieningen '
            || 'dagactiviteiten en inwonersondersteuning (informatie en advies, en diensten). Inwoners kunnen er zonder '
            || 'indicatie terecht; er wordt geen eigen bijdrage gevraagd, wel eventueel een bijdrage voor consumpties '
            || 'en materiaal. Per onderdeel geldt een subsidieplafond; alle aanvragen van een onderdeel worden na de '
            || 'sluitingsdatum tegelijk beoordeeld op vijf criteria en de aanvragen met de meeste punten krijgen subsidie.',
            'het college van burgemeester en wethouders van Maastricht')
    returning scheme_id into scheme;

    insert into subsidy_budget_lines (tenant_id, scheme_id, year, source, amount_cents)
    select t, scheme, y + v.offset_year, v.source, v.amount_cents
    from (values
        (-1, 'Begrotingspost algemene voorzieningen (Wmo)', 86000000::bigint),
        (-1, 'Sociaal Investeringsfonds', 30000000::bigint),
        (0, 'Begrotingspost algemene voorzieningen (Wmo)', 89000000::bigint),
        (0, 'Sociaal Investeringsfonds', 30000000::bigint),
        (1, 'Begrotingspost algemene voorzieningen (Wmo)', 91500000::bigint),
        (1, 'Sociaal Investeringsfonds', 27500000::bigint),
        (2, 'Begrotingspost algemene voorzieningen (Wmo)', 94000000::bigint),
        (2, 'Sociaal Investeringsfonds', 25000000::bigint)
    ) as v (offset_year, source, amount_cents);

    -- The four onderdelen (seed 002 §4.1-4.3).
    insert into subsidy_categories (tenant_id, scheme_id, code, name, description, position)
    select t, scheme, v.code, v.name, v.description, v.position
    from (values
        ('huiskamer', 'Huiskamer',
         'Een ontmoetingsplek in de buurt, gerund door de bewoners zelf zonder professionals: samen koffiedrinken, '
         || 'kaarten of creatief bezig zijn. Het bestuur is verantwoordelijk voor exploitatie en beheer; de huiskamer '
         || 'kan terugvallen op een professional van het sociaal team. De gemeente vergoedt alleen de vaste lasten; '
         || 'activiteiten en versnaperingen betalen de deelnemers zelf.', 1),
        ('dagactiviteiten', 'Algemene voorziening dagactiviteiten',
         'Een uitnodigende en toegankelijke plek voor mensen die steun nodig hebben om mee te doen in de samenleving, '
         || 'met een betekenisvolle daginvulling die bijdraagt aan de leefgebieden van positieve gezondheid. Er wordt '
         || 'gekeken naar wat iemand wel kan en onderlinge ondersteuning wordt gestimuleerd. Professionals begeleiden '
         || 'de deelnemers en zorgen voor samenhang tussen de doelgroepen.', 2),
        ('informatie_advies', 'Inwonersondersteuning informatie en advies',
         'Informatie en advies over allerlei zaken, zoals formulieren, regelingen, wonen en zorg, zodat inwoners langer '
         || 'thuis kunnen blijven wonen en de regie in eigen handen houden. Gerund door vrijwilligers en eventueel een '
         || 'betaalde professional met coördinerende taken.', 3),
        ('diensten', 'Inwonersondersteuning diensten',
         'Praktische diensten door vrijwilligers, zoals klussen in en om het huis, strijkservice, naaiwerk en '
         || 'pakketservice, tegen een tegenprestatie of een kleine vergoeding. Voor veel vrijwilligers is het een '
         || 'eerste stap naar betaald werk of ondernemerschap.', 4)
    ) as v (code, name, description, position);

    -- Two rounds: last year's (closed a year ago) and this year's (open now).
    insert into subsidy_rounds (tenant_id, scheme_id, year, opens_at, closes_at, decision_weeks, published_at,
                                period_start, period_end, obligations, documents, declarations)
    values (t, scheme, y - 1, opens_prev, closes_prev, 8, now() - interval '420 days',
            make_date(y - 1, 1, 1), make_date(y - 1, 12, 31),
            'Tussentijds melden als activiteiten niet of niet geheel doorgaan.',
            array['begroting', 'jaarverslag', 'bestuurssamenstelling'],
            array['bestuur', 'vog', 'administratie', 'toegankelijk'])
    returning round_id into round_prev;
    insert into subsidy_rounds (tenant_id, scheme_id, year, opens_at, closes_at, decision_weeks, published_at,
                                period_start, period_end, obligations, documents, declarations)
    values (t, scheme, y, now() - interval '14 days', closes_cur, 8, now() - interval '30 days',
            make_date(y, 1, 1), make_date(y, 12, 31),
            'Tussentijds melden als activiteiten niet of niet geheel doorgaan.',
            array['begroting', 'jaarverslag', 'bestuurssamenstelling'],
            array['bestuur', 'vog', 'administratie', 'toegankelijk'])
    returning round_id into round_cur;

    -- The plafond and assessment protocol per round and onderdeel (this year's plafonds indexed by 3%).
    insert into subsidy_round_categories (tenant_id, round_id, category_id, ceiling_cents, combine_rule, price_basis,
                                          fee_deduction, tie_criterion, remainder_rule)
    select t, rd.round_id, c.category_id, v.ceiling_cents, 'gemiddelde', v.price_basis, v.fee_deduction,
           'resultaat', 'gedeeltelijk'
    from (values
        (-1, 'huiskamer', 12000000::bigint, 'vaste_lasten', 0),
        (-1, 'dagactiviteiten', 75000000::bigint, 'vaste_lasten_personeel', 0),
        (-1, 'informatie_advies', 15000000::bigint, 'vaste_lasten', 0),
        (-1, 'diensten', 10000000::bigint, 'gevraagd', 2),
        (0, 'huiskamer', 12400000::bigint, 'vaste_lasten', 0),
        (0, 'dagactiviteiten', 77250000::bigint, 'vaste_lasten_personeel', 0),
        (0, 'informatie_advies', 15450000::bigint, 'vaste_lasten', 0),
        (0, 'diensten', 10300000::bigint, 'gevraagd', 2)
    ) as v (offset_year, code, ceiling_cents, price_basis, fee_deduction)
    join subsidy_rounds rd on rd.tenant_id = t and rd.scheme_id = scheme and rd.year = y + v.offset_year
    join subsidy_categories c on c.tenant_id = t and c.scheme_id = scheme and c.code = v.code;

    -- Five criteria per onderdeel, as in the Beoordelingsprotocol (seed 002 §4.4); the same in both rounds.
    insert into subsidy_criteria (tenant_id, round_id, category_id, code, position, name, question, pass_mark, computed)
    select t, rc.round_id, rc.category_id, v.code, v.position, v.name, v.question, 6, v.code = 'prijs'
    from (values
        ('huiskamer', 'samenwerking', 1, 'Samenwerking', 'Op welke wijze wordt met anderen samengewerkt?'),
        ('huiskamer', 'resultaat', 2, 'Resultaat',
         'Welke bijdrage levert het initiatief aan de saamhorigheid in een buurt en het ondersteunen van elkaar?'),
        ('huiskamer', 'prijs', 3, 'Prijs',
         'Welk initiatief heeft de goedkoopste vaste lasten in relatie tot bereikbaarheid en het aantal deelnemers dat '
         || 'er gebruik van maakt? Berekend: kosten per deelnemer = vaste lasten / aantal deelnemers. Het goedkoopste '
         || 'initiatief krijgt 10 punten, de andere afgerond 10 x (laagste kosten per deelnemer / eigen kosten per deelnemer).'),
        ('huiskamer', 'inclusie', 4, 'Inclusie',
         'Op welke wijze draagt de voorziening bij aan een inclusieve samenleving waarin iedereen met en zonder '
         || 'beperking mee kan doen en erbij hoort?'),
        ('huiskamer', 'duurzaamheid', 5, 'Duurzaamheid',
         'Op welke wijze is de algemene voorziening georganiseerd zodat de continuïteit geborgd wordt?'),

        ('dagactiviteiten', 'samenwerking', 1, 'Samenwerking',
         'Op welke wijze wordt met anderen samengewerkt? Daarbij wordt specifiek gelet op hoe de organisatie bijdraagt '
         || 'aan het verminderen van dubbele financiering per deelnemer.'),
        ('dagactiviteiten', 'resultaat', 2, 'Resultaat',
         'Welke bijdrage levert het initiatief aan het voorkomen van maatwerkvoorzieningen?'),
        ('dagactiviteiten', 'prijs', 3, 'Prijs',
         'Welk initiatief heeft de goedkoopste vaste lasten en kosten per betaalde kracht in relatie tot bereikbaarheid '
         || 'en het aantal deelnemers dat er gebruik van maakt? Berekend: kosten per deelnemer = (vaste lasten + '
         || 'personeelskosten) / aantal deelnemers. Het goedkoopste initiatief krijgt 10 punten, de andere afgerond '
         || '10 x (laagste kosten per deelnemer / eigen kosten per deelnemer).'),
        ('dagactiviteiten', 'inclusie', 4, 'Inclusie',
         'Op welke wijze draagt de voorziening bij aan een inclusieve samenleving waarin iedereen met en zonder '
         || 'beperking mee kan doen en erbij hoort?'),
        ('dagactiviteiten', 'duurzaamheid', 5, 'Duurzaamheid',
         'Welke bijdrage levert het initiatief aan het vergroten van het sociale netwerk van de deelnemer, houdt het '
         || 'zicht op de komst van deelnemers en draagt het bij aan de ontwikkeling van deelnemers?'),

        ('informatie_advies', 'samenwerking', 1, 'Samenwerking', 'Op welke wijze wordt met anderen samengewerkt?'),
        ('informatie_advies', 'resultaat', 2, 'Resultaat',
         'Welke bijdrage levert het initiatief aan de saamhorigheid in een buurt en het ondersteunen van elkaar? Bij '
         || 'informatie en advies wordt de kennis van wet- en regelgeving meegewogen.'),
        ('informatie_advies', 'prijs', 3, 'Prijs',
         'Welk initiatief heeft de goedkoopste vaste lasten in relatie tot bereikbaarheid en het aantal deelnemers dat '
         || 'er gebruik van maakt? Berekend: kosten per deelnemer = vaste lasten / aantal deelnemers. Het goedkoopste '
         || 'initiatief krijgt 10 punten, de andere afgerond 10 x (laagste kosten per deelnemer / eigen kosten per deelnemer).'),
        ('informatie_advies', 'inclusie', 4, 'Inclusie',
         'Op welke wijze draagt de voorziening bij aan een inclusieve samenleving waarin iedereen met en zonder '
         || 'beperking mee kan doen en erbij hoort?'),
        ('informatie_advies', 'duurzaamheid', 5, 'Duurzaamheid',
         'Op welke wijze is de algemene voorziening georganiseerd zodat de continuïteit geborgd wordt?'),

        ('diensten', 'samenwerking', 1, 'Samenwerking', 'Op welke wijze wordt met anderen samengewerkt?'),
        ('diensten', 'resultaat', 2, 'Resultaat',
         'Welke bijdrage levert het initiatief aan de saamhorigheid in een buurt en het ondersteunen van elkaar?'),
        ('diensten', 'prijs', 3, 'Prijs',
         'Welk initiatief is het goedkoopst in relatie tot bereikbaarheid en het aantal deelnemers dat er gebruik van '
         || 'maakt? Berekend: kosten per deelnemer = gevraagde subsidie / aantal deelnemers. Het goedkoopste initiatief '
         || 'krijgt 10 punten, de andere afgerond 10 x (laagste kosten per deelnemer / eigen kosten per deelnemer). '
         || 'Diensten met een tegenprestatie scoren hoger: een dienst waarvoor een vergoeding wordt gevraagd krijgt '
         || '2 punten minder.'),
        ('diensten', 'inclusie', 4, 'Inclusie',
         'Op welke wijze draagt de voorziening bij aan een inclusieve samenleving waarin iedereen met en zonder '
         || 'beperking mee kan doen en erbij hoort?'),
        ('diensten', 'duurzaamheid', 5, 'Duurzaamheid',
         'Op welke wijze is de algemene voorziening georganiseerd zodat de continuïteit geborgd wordt?')
    ) as v (category, code, position, name, question)
    join subsidy_categories c on c.tenant_id = t and c.scheme_id = scheme and c.code = v.category
    join subsidy_round_categories rc on rc.tenant_id = t and rc.category_id = c.category_id
                                    and rc.round_id in (round_prev, round_cur);

    -- Small organisations that apply. Most come with the demo register (facilities.csv adds the
    -- providers of its facilities); the others are added here. Looked up by name, added when missing.
    for r in
        select * from (values
            ('Buurtnetwerk Daalhof', 'vrijwilligersorganisatie', null),
            ('Buurtnetwerk Wittevrouwenveld', 'vrijwilligersorganisatie', null),
            ('Buurtnetwerk Pottenberg', 'vrijwilligersorganisatie', null),
            ('Stichting Huiskamer Malberg', 'vrijwilligersorganisatie', '71839204'),
            ('Stichting Huiskamer Caberg', 'kerk of particulier initiatief', '68254117'),
            ('Stichting Kinderboerderij Daalhoeve', 'vrijwilligersorganisatie', null),
            ('Athos EetMaaktDoet', '(sociaal) ondernemer', null),
            ('Azaro', 'vrijwilligersorganisatie', null),
            ('Stichting Formulierenhulp Maastricht', 'vrijwilligersorganisatie', '74412986'),
            ('Stichting Ouderenadviseurs Maastricht', 'vrijwilligersorganisatie', '69903152'),
            ('Buurtservice Maastricht-Oost', 'vrijwilligersorganisatie', null),
            ('Klussendienst Maastricht-West', 'vrijwilligersorganisatie', '80127465')
        ) as v (name, type_name, kvk)
    loop
        select p.provider_id into prov from providers p
            where p.tenant_id = t and lower(p.name) = lower(r.name) order by p.created_at limit 1;
        if not found then
            insert into providers (tenant_id, name, provider_type, kvk_number, city)
            values (t, r.name, (select code from code_lists where kind = 'aanbiedertype' and name = r.type_name),
                    r.kvk, 'Maastricht')
            returning provider_id into prov;
        end if;
        provs := provs || jsonb_build_object(r.name, prov);
    end loop;

    -- The applications: (round: -1 last year / 0 this year, number, onderdeel, provider, facility,
    -- status, submitted: hours before the close (last year) or before now (this year), or null for a
    -- concept, title, activities, costs in cents, requested, participants, reach, counter_service,
    -- answers per judged criterion). Last year's amounts are designed so that the ranking the
    -- application computes shows every outcome; see the scores below.
    for r in select * from (values
        (-1, 1, 'huiskamer', 'Buurtnetwerk Daalhof', 'Huiskamer Daalhof', 'ingediend', 723,
         'Huiskamer Daalhof: elke werkdag open',
         'Elke werkdag van 10 tot 16 uur een open huiskamer voor de buurt met koffie, kaarten, handwerken en twee keer per '
         || 'week samen eten. De activiteiten en consumpties betalen de bezoekers zelf.',
         3180000, 0, 640000, 85000, 3180000, 85,
         'Bewoners van Daalhof en Dousberg-Hazendans, vooral alleenstaande ouderen; ongeveer 25 bezoekers per dag.', '',
         jsonb_build_object(
            'samenwerking', 'We werken samen met het sociaal team Noordwest, de wijkverpleging en de bibliotheek. Het '
                || 'buurtnetwerk verwijst bewoners naar ons door en we delen de ruimte met de seniorenvereniging.',
            'resultaat', 'Elke werkdag komen gemiddeld 25 bewoners. Bezoekers helpen elkaar met boodschappen en vervoer '
                || 'en bellen even als iemand een paar dagen niet is geweest.',
            'inclusie', 'De huiskamer is gelijkvloers en rolstoeltoegankelijk. Er komen ouderen, statushouders en mensen '
                || 'met een licht verstandelijke beperking; gastvrouwen spreken ook Arabisch en Turks.',
            'duurzaamheid', 'Een bestuur van vijf, 22 vaste vrijwilligers met een rooster en een reserve voor twee '
                || 'maanden huur. Nieuwe vrijwilligers lopen eerst een maand mee.')),
        (-1, 2, 'huiskamer', 'Buurtnetwerk Wittevrouwenveld', 'Huiskamer Wittevrouwenveld', 'ingediend', 290,
         'Huiskamer Wittevrouwenveld',
         'Een huiskamer in het buurtcentrum, vijf dagen per week open, met een kookgroep die bewoners zelf organiseren en '
         || 'een klusjeslijst waarop buren elkaar hulp aanbieden.',
         3450000, 0, 520000, 60000, 3450000, 80,
         'Bewoners van Wittevrouwenveld en Nazareth; dagelijks 20 tot 30 bezoekers.', '',
         jsonb_build_object(
            'samenwerking', 'Samenwerking met het sociaal team Oost, Trajekt en de basisschool in de buurt. Eens per maand '
                || 'overleggen we met de andere huiskamers in Maastricht-Oost.',
            'resultaat', 'Dagelijks 20 tot 30 bezoekers. De kookgroep en de klusjeslijst worden door bewoners zelf '
                || 'georganiseerd.',
            'inclusie', 'Open voor iedereen. De ingang heeft een drempel, die we met een oprijplaat oplossen. We bereiken '
                || 'nog weinig jongeren en mensen met een beperking.',
            'duurzaamheid', 'Een bestuur van drie en 15 vrijwilligers; de huur van de ruimte is voor twee jaar vastgelegd.')),
        (-1, 3, 'huiskamer', 'Buurtnetwerk Pottenberg', 'Huiskamer Pottenberg', 'ingediend', 506,
         'Huiskamer en open eettafel Pottenberg',
         'Vier dagen per week een huiskamer voor ontmoeting; op dinsdag en donderdag een open eettafel waar bewoners samen '
         || 'koken en eten tegen een kleine bijdrage voor de maaltijd.',
         2760000, 0, 480000, 40000, 2760000, 68,
         'Bewoners van Pottenberg en Malpertuis; ruim 70 vaste bezoekers.', '',
         jsonb_build_object(
            'samenwerking', 'Samen met de wijkverpleging, de parochie en de open eettafel. Het sociaal team houdt elke week '
                || 'een spreekuur in de huiskamer.',
            'resultaat', 'Ruim 70 vaste bezoekers. De eettafel is een vaste ontmoetingsplek en bewoners bellen elkaar als '
                || 'iemand niet komt.',
            'inclusie', 'Gelijkvloers met een aangepast toilet. Bewoners van een woonvorm voor mensen met een verstandelijke '
                || 'beperking komen wekelijks mee-eten.',
            'duurzaamheid', 'Een bestuur van vier en 18 vrijwilligers. De penningmeester is vorig jaar vervangen; de '
                || 'opvolging van de voorzitter is nog niet geregeld.')),
        (-1, 4, 'huiskamer', 'Stichting Huiskamer Malberg', null, 'ingediend', 50,
         'Huiskamer Malberg',
         'Drie ochtenden per week een huiskamer met koffie en creatieve activiteiten in een gehuurde ruimte aan de rand '
         || 'van het winkelcentrum.',
         3620000, 0, 390000, 75000, 3620000, 75,
         'Bewoners van Malberg; gemiddeld 15 bezoekers per ochtend.', '',
         jsonb_build_object(
            'samenwerking', 'We werken samen met het buurtnetwerk Malberg en verwijzen bewoners naar het sociaal team. Met '
                || 'de andere huiskamers in West is nog weinig contact.',
            'resultaat', 'Drie ochtenden per week ontmoeting voor gemiddeld 15 bezoekers.',
            'inclusie', 'De ruimte ligt op de eerste verdieping en heeft een lift. We willen meer bewoners met een '
                || 'migratieachtergrond bereiken, maar hebben daar nog geen aanpak voor.',
            'duurzaamheid', 'Een bestuur van drie en 12 vrijwilligers. De huur is hoog; we zoeken een goedkopere plek in '
                || 'het buurtcentrum.')),
        (-1, 5, 'huiskamer', 'Stichting Huiskamer Caberg', null, 'ingediend', 195,
         'Huiskamer Caberg',
         'Wekelijks kaarten, handwerken en koffiedrinken voor een vaste groep buurtbewoners in een zaal boven de kerk.',
         2490000, 0, 300000, 30000, 2490000, 60,
         'Een vaste groep van ongeveer 60 bewoners van Caberg.', '',
         jsonb_build_object(
            'samenwerking', 'Samenwerking met de kerk en het buurtnetwerk Caberg; het sociaal team weet ons te vinden.',
            'resultaat', 'Een hechte groep die elke week samenkomt; leden helpen elkaar met vervoer naar de huisarts.',
            'inclusie', 'De huiskamer is er voor de vaste leden; nieuwe bezoekers komen op uitnodiging van een lid. De zaal '
                || 'is alleen via een trap bereikbaar.',
            'duurzaamheid', 'Een bestuur van drie; de vrijwilligers doen dit al jaren.')),
        (-1, 6, 'dagactiviteiten', 'Stichting Kinderboerderij Daalhoeve', 'Kinderboerderij Daalhoeve', 'ingediend', 627,
         'Dagactiviteiten op de kinderboerderij',
         'Dierverzorging, groenonderhoud en klussen op de kinderboerderij in gemengde groepen, vijf dagen per week, met '
         || 'begeleiding door professionals en vrijwilligers.',
         11800000, 34200000, 6400000, 2100000, 40500000, 170,
         'Inwoners van heel Maastricht, vooral Daalhof, Pottenberg en Caberg; 170 deelnemers op vaste dagdelen.', '',
         jsonb_build_object(
            'samenwerking', 'Met de sociale teams, Trajekt en de aanbieders van begeleiding groep maken we per deelnemer '
                || 'afspraken: wie bij ons komt, bouwt het maatwerkarrangement af. Met toestemming van de deelnemers leveren '
                || 'we maandelijks een registratie aan voor de controle op dubbele financiering.',
            'resultaat', 'Van de 170 deelnemers kwamen er 62 eerder via een indicatie begeleiding groep; volgens de sociale '
                || 'teams zouden er nog 48 zonder ons een maatwerkvoorziening aanvragen.',
            'inclusie', 'Gemengde groepen: mensen met een psychische kwetsbaarheid of een verstandelijke beperking, ouderen '
                || 'en jongeren werken samen in de dierverzorging en het groen.',
            'duurzaamheid', 'Deelnemers krijgen een maatje, we houden een aanmeldregister bij en meten twee keer per jaar de '
                || 'ontwikkeling op de domeinen van positieve gezondheid. Veertien deelnemers werden vrijwilliger.')),
        (-1, 7, 'dagactiviteiten', 'Athos EetMaaktDoet', 'Athos EetMaaktDoet', 'ingediend', 122,
         'Wijkrestaurant en ateliers EetMaaktDoet',
         'Deelnemers koken en bedienen in een wijkrestaurant dat open is voor de buurt en werken in een hout- en een '
         || 'textielatelier, onder begeleiding van professionals.',
         9650000, 31800000, 5800000, 1250000, 39200000, 140,
         'Inwoners van Maastricht-Oost en het centrum; 140 deelnemers.', '',
         jsonb_build_object(
            'samenwerking', 'Samenwerking met Mondriaan, Levanto en de sociale teams. Afbouw van maatwerk is met twee '
                || 'aanbieders afgesproken, met de andere nog niet.',
            'resultaat', 'Het restaurant en de ateliers bieden 140 mensen een dagritme; 35 deelnemers hadden eerder een '
                || 'indicatie dagbesteding.',
            'inclusie', 'Het restaurant is open voor alle buurtbewoners; deelnemers koken en bedienen. De locatie is '
                || 'rolstoeltoegankelijk.',
            'duurzaamheid', 'Deelnemers nemen buren en familie mee naar het restaurant. We houden aanmeldingen per wijk bij en '
                || 'werken met persoonlijke leerdoelen.')),
        (-1, 8, 'dagactiviteiten', 'Azaro', 'Azaro ontmoetingscentrum', 'ingediend', 26,
         'Ontmoetingscentrum Azaro',
         'Een open atelier en een kookgroep voor ouderen met beginnende geheugenproblemen en hun buurtgenoten, drie dagen '
         || 'per week.',
         6200000, 20500000, 3100000, 900000, 21400000, 95,
         'Ouderen in Maastricht-Noordwest; 95 deelnemers.', '',
         jsonb_build_object(
            'samenwerking', 'We werken samen met de sociale teams en de huisartsen in Noordwest.',
            'resultaat', 'Het ontmoetingscentrum voorkomt dat ouderen met beginnende dementie te vroeg naar dagbesteding met '
                || 'een indicatie gaan.',
            'inclusie', 'Het atelier en de kookgroep zijn open voor iedereen uit de buurt; er is een rustige ruimte voor wie '
                || 'prikkelgevoelig is.',
            'duurzaamheid', 'Mantelzorgers worden betrokken. Een registratie van deelnemers is in opbouw.')),
        (-1, 9, 'informatie_advies', 'Stichting Formulierenhulp Maastricht', null, 'ingediend', 410,
         'Formulierenhulp in de buurt',
         'Spreekuren in vier buurten en hulp aan huis bij formulieren, toeslagen, kwijtschelding en aanvragen, door '
         || 'getrainde vrijwilligers met een betaalde coördinator.',
         2150000, 3800000, 650000, 600000, 7200000, 640,
         'Inwoners van heel Maastricht; 640 mensen geholpen, vooral in Noordoost en West.', '',
         jsonb_build_object(
            'samenwerking', 'Samenwerking met de sociaal raadslieden van Trajekt, SchuldHulpMaatje, de bibliotheek en het '
                || 'UWV-spreekuur; we verwijzen warm door.',
            'resultaat', 'We hielpen 640 inwoners met toeslagen, kwijtschelding en aanvragen. Vrijwilligers volgen elk jaar '
                || 'scholing over wet- en regelgeving bij het Nibud en de Belastingdienst.',
            'inclusie', 'Spreekuren in vier buurten en aan huis voor wie niet mobiel is; we leggen formulieren uit in '
                || 'eenvoudige taal.',
            'duurzaamheid', 'Een betaalde coördinator (0,6 fte) en 28 vrijwilligers; werkinstructies en een '
                || 'inwerkprogramma borgen de kennis.')),
        (-1, 10, 'informatie_advies', 'Stichting Ouderenadviseurs Maastricht', null, 'ingediend', 218,
         'Ouderenadviseurs aan huis',
         'Vrijwillige ouderenadviseurs bezoeken ouderen thuis en adviseren over wonen, zorg, geldzaken en de Wmo.',
         1480000, 2600000, 820000, 500000, 5400000, 410,
         'Inwoners van 65 jaar en ouder in heel Maastricht; 410 huisbezoeken.', '',
         jsonb_build_object(
            'samenwerking', 'Samenwerking met de afdelingen van de KBO, de sociale teams en de wijkverpleging.',
            'resultaat', 'Jaarlijks 410 huisbezoeken. De adviseurs volgen de landelijke opleiding ouderenadviseur en elk '
                || 'jaar een bijscholing over regelingen.',
            'inclusie', 'Huisbezoeken voor iedereen vanaf 65 jaar, ook voor wie de weg naar de loketten niet vindt.',
            'duurzaamheid', 'Vijftien adviseurs, deels zelf op leeftijd. De coördinatie rust op één persoon; nieuwe '
                || 'adviseurs zijn in opleiding.')),
        (-1, 11, 'diensten', 'Buurtservice Maastricht-Oost', 'Buurtservice Oost', 'ingediend', 459,
         'Buurtservice: klussen, naaiwerk en boodschappen',
         'Vrijwilligers doen kleine klussen in en om het huis, naaiwerk en boodschappen voor buurtbewoners die dat zelf '
         || 'niet kunnen; wie geholpen wordt, doet iets terug voor de buurt.',
         1250000, 2900000, 1150000, 500000, 4800000, 310,
         'Huishoudens in Maastricht-Oost; 310 huishoudens geholpen.', 'tegenprestatie',
         jsonb_build_object(
            'samenwerking', 'Samenwerking met de sociale teams, de woningcorporatie en het repair café. Klussen worden gemeld '
                || 'via het sociaal team of rechtstreeks.',
            'resultaat', 'We hielpen 310 huishoudens. De tegenprestatie, zoals een boodschap voor een buur, versterkt de '
                || 'onderlinge steun in de buurt.',
            'inclusie', 'Vrijwilligers met een afstand tot de arbeidsmarkt doen bij ons werkervaring op; de dienst is er '
                || 'voor iedereen die het zelf niet kan.',
            'duurzaamheid', 'Een vaste coördinator, 30 vrijwilligers en een gereedschapsuitleen. Vijf vrijwilligers stroomden '
                || 'door naar betaald werk.')),
        (-1, 12, 'diensten', 'Klussendienst Maastricht-West', null, 'ingediend', 98,
         'Klussendienst West',
         'Kleine klussen bij ouderen en mensen met een beperking: een lamp ophangen, een kraan vervangen, de tuin '
         || 'winterklaar maken. Per klus vragen we een kleine vergoeding.',
         980000, 2400000, 1050000, 370000, 3950000, 290,
         'Inwoners van Maastricht-West; 290 klussen per jaar.', 'vergoeding',
         jsonb_build_object(
            'samenwerking', 'We werken samen met de sociale teams in West en een bouwmarkt die korting geeft op materiaal.',
            'resultaat', 'Kleine klussen helpen ouderen en mensen met een beperking om langer thuis te wonen.',
            'inclusie', 'Voor iedereen in Maastricht-West. Per klus vragen we 7,50 euro; minima zijn vrijgesteld.',
            'duurzaamheid', 'Twaalf vaste klussers; de planning ligt bij één vrijwilliger.')),

        (0, 1, 'huiskamer', 'Buurtnetwerk Daalhof', 'Huiskamer Daalhof', 'ingediend', 146,
         'Huiskamer Daalhof: elke werkdag open',
         'Elke werkdag van 10 tot 16 uur een open huiskamer voor de buurt; nieuw is een middag per week voor mantelzorgers.',
         3260000, 0, 660000, 90000, 3260000, 92,
         'Bewoners van Daalhof en Dousberg-Hazendans; ongeveer 27 bezoekers per dag.', '',
         jsonb_build_object(
            'samenwerking', 'Samen met het sociaal team Noordwest, de wijkverpleging, de bibliotheek en sinds dit jaar het '
                || 'steunpunt mantelzorg.',
            'resultaat', 'Gemiddeld 27 bezoekers per dag; een nieuwe mantelzorgmiddag brengt mantelzorgers met elkaar in '
                || 'contact.',
            'inclusie', 'Gelijkvloers en rolstoeltoegankelijk; gastvrouwen spreken ook Arabisch en Turks.',
            'duurzaamheid', 'Een bestuur van vijf en 24 vrijwilligers met een rooster; een reserve voor twee maanden huur.')),
        (0, 2, 'dagactiviteiten', 'Stichting Kinderboerderij Daalhoeve', 'Kinderboerderij Daalhoeve', 'ingediend', 50,
         'Dagactiviteiten op de kinderboerderij',
         'Dierverzorging, groenonderhoud en klussen in gemengde groepen, vijf dagen per week; nieuw is een groep op '
         || 'zaterdag.',
         12100000, 35600000, 6600000, 2200000, 42000000, 180,
         'Inwoners van heel Maastricht; 180 deelnemers op vaste dagdelen.', '',
         jsonb_build_object(
            'samenwerking', 'Afspraken per deelnemer met de sociale teams en de aanbieders van begeleiding groep over de '
                || 'afbouw van maatwerk; maandelijkse registratie voor de controle op dubbele financiering.',
            'resultaat', 'Vorig jaar stroomden 20 deelnemers in vanuit een indicatie begeleiding groep.',
            'inclusie', 'Gemengde groepen van jong en oud, met en zonder beperking.',
            'duurzaamheid', 'Maatjes, een aanmeldregister en een meting op de domeinen van positieve gezondheid.')),
        (0, 3, 'informatie_advies', null, 'Sociaal raadslieden en formulierenhulp', 'concept', null,
         'Formulierenbrigade in de sociale teams',
         'Vrijwilligers van de formulierenbrigade helpen inwoners tijdens de spreekuren van de sociale teams met '
         || 'formulieren en aanvragen.',
         1900000, 4200000, 400000, 300000, 6800000, 520,
         'Inwoners van heel Maastricht, via de spreekuren van de sociale teams.', '',
         jsonb_build_object(
            'samenwerking', 'De brigade werkt vanuit de sociale teams samen met de sociaal raadslieden en SchuldHulpMaatje.',
            'resultaat', 'Nog aanvullen: bereik van vorig jaar en de scholing van de vrijwilligers.',
            'inclusie', 'Spreekuren in alle wijken; ook hulp aan huis.',
            'duurzaamheid', ''))
    ) as v (offset_year, no, category, provider, facility, status, hours_before, title, activities, fixed, staff,
            activity, other, requested, participants, reach, counter_service, answers)
    order by offset_year, no
    loop
        -- No provider named: the demo aanbieder's own organisation (Trajekt).
        prov := coalesce((provs ->> r.provider)::uuid, p_aanbieder);
        fac := null;
        select f.facility_id into fac from facilities f
            where f.tenant_id = t and f.provider_id = prov and f.name = r.facility order by f.created_at limit 1;
        if r.offset_year = -1 then
            submitted := closes_prev - make_interval(hours => r.hours_before);
        elsif r.hours_before is not null then
            submitted := now() - make_interval(hours => r.hours_before);
        else
            submitted := null;
        end if;
        insert into subsidy_applications (tenant_id, round_id, category_id, provider_id, reference, status,
                                          current_version, created_at, submitted_at)
        select t, case when r.offset_year = -1 then round_prev else round_cur end, c.category_id, prov,
               format('SUB-%s-%s', y + r.offset_year, lpad(r.no::text, 4, '0')), r.status, 1,
               case when r.offset_year = -1 then submitted - interval '9 days'
                    when submitted is not null then submitted - interval '4 days'
                    else now() - interval '4 days' end,
               submitted
        from subsidy_categories c where c.tenant_id = t and c.scheme_id = scheme and c.code = r.category
        returning application_id into app;
        insert into subsidy_application_versions (tenant_id, application_id, version, title, activities,
            fixed_costs_cents, staff_costs_cents, activity_costs_cents, other_costs_cents, requested_cents,
            participants, reach, counter_service, answers, facility_ids, declarations, saved_at, saved_by, submitted_at)
        values (t, app, 1, r.title, r.activities, r.fixed, r.staff, r.activity, r.other, r.requested,
                r.participants, r.reach, r.counter_service, r.answers,
                case when fac is null then '{}'::uuid[] else array[fac] end,
                case when r.status = 'concept' then array['bestuur', 'administratie']
                     else array['bestuur', 'vog', 'administratie', 'toegankelijk'] end,
                coalesce(submitted - interval '1 hour', now() - interval '1 day'),
                case when prov = p_aanbieder then u_aanbieder end,
                submitted);
    end loop;

    -- Last year's assessment: both assessors declare no conflict of interest, then score every judged
    -- criterion (prijs is computed by the application).
    insert into subsidy_conflict_declarations (tenant_id, application_id, user_id, conflicted, note, declared_at)
    select t, a.application_id, u.user_id, false, '',
           closes_prev + interval '2 days' + u.day_offset + make_interval(mins => 10 * substr(a.reference, 10)::integer)
    from subsidy_applications a
    cross join (values (u_beoordelaar, interval '0 days'), (u_beleid, interval '1 day')) as u (user_id, day_offset)
    where a.tenant_id = t and a.round_id = round_prev;

    -- Scores: (application number, criterion, beoordelaar, beleidsmedewerker, their motivations).
    insert into subsidy_scores (tenant_id, application_id, criterion_code, user_id, points, motivation, scored_at)
    select t, a.application_id, s.code, u.user_id,
           case when u.user_id = u_beoordelaar then s.points_a else s.points_b end,
           case when u.user_id = u_beoordelaar then s.motivation_a else s.motivation_b end,
           closes_prev + interval '5 days' + u.day_offset + make_interval(hours => s.no / 2)
               + make_interval(mins => 5 * (select c.position from subsidy_criteria c
                                            where c.tenant_id = t and c.round_id = a.round_id
                                              and c.category_id = a.category_id and c.code = s.code))
    from (values
        (1, 'samenwerking', 8, 8, 'Structurele samenwerking met sociaal team, wijkverpleging en bibliotheek, met doorverwijzing in beide richtingen.',
            'Goed ingebed in het buurtnetwerk; de gedeelde ruimte met de seniorenvereniging is een plus.'),
        (1, 'resultaat', 9, 8, 'Sterke bijdrage aan de saamhorigheid: dagelijkse opkomst en bewoners die elkaar concreet helpen.',
            'Veel onderlinge steun; de opkomst is goed onderbouwd.'),
        (1, 'inclusie', 8, 7, 'Toegankelijke ruimte, een gemengd bezoekerspubliek en meertalige gastvrouwen.',
            'Inclusief opgezet; wel nog weinig jongeren.'),
        (1, 'duurzaamheid', 8, 8, 'Bestuur, rooster en reserve borgen de continuïteit.',
            'Goed geregeld, ook de instroom van nieuwe vrijwilligers.'),
        (2, 'samenwerking', 7, 7, 'Samenwerking met sociaal team en school; het overleg met andere huiskamers is nieuw.',
            'Voldoende samenwerking, nog weinig concreet uitgewerkt.'),
        (2, 'resultaat', 8, 8, 'Bewoners organiseren zelf activiteiten en helpen buren: een duidelijke buurtfunctie.',
            'Goede bijdrage aan de saamhorigheid in Wittevrouwenveld.'),
        (2, 'inclusie', 7, 6, 'Open voor iedereen en de drempel is opgelost; het bereik onder jongeren en mensen met een beperking blijft achter.',
            'Net voldoende: de aanvraag noemt zelf groepen die nog niet bereikt worden.'),
        (2, 'duurzaamheid', 7, 7, 'Huur voor twee jaar vast; het bestuur is klein.',
            'Redelijk geborgd, wel afhankelijk van een kleine groep vrijwilligers.'),
        (3, 'samenwerking', 8, 8, 'Het sociaal team houdt spreekuur in de huiskamer; goede verbinding met wijkverpleging en parochie.',
            'Sterke samenwerking in de buurt.'),
        (3, 'resultaat', 8, 7, 'De open eettafel is een vaste ontmoetingsplek en bewoners letten op elkaar.',
            'Goede bijdrage, al is het bereik buiten de vaste bezoekers beperkt.'),
        (3, 'inclusie', 8, 8, 'Toegankelijke ruimte en structureel contact met een woonvorm voor mensen met een beperking.',
            'Mooie verbinding met de bewoners van de woonvorm.'),
        (3, 'duurzaamheid', 7, 7, 'Bestuur en vrijwilligers op orde; de opvolging van de voorzitter is nog open.',
            'Voldoende; de opvolging in het bestuur verdient aandacht.'),
        (4, 'samenwerking', 7, 6, 'Samenwerking met buurtnetwerk en sociaal team; nog weinig contact met andere huiskamers.',
            'Samenwerking beperkt zich tot doorverwijzen; net voldoende.'),
        (4, 'resultaat', 7, 7, 'Drie ochtenden per week ontmoeting; de bijdrage aan de saamhorigheid is er, maar bescheiden.',
            'Voldoende; weinig zicht op onderlinge ondersteuning.'),
        (4, 'inclusie', 6, 6, 'Er is een lift; een aanpak om nieuwe groepen te bereiken ontbreekt nog.',
            'Net voldoende: een goede intentie, nog geen concrete aanpak.'),
        (4, 'duurzaamheid', 6, 7, 'De hoge huur maakt de huiskamer kwetsbaar; de verhuisplannen zijn nog onzeker.',
            'Bestuur en vrijwilligers zijn er; de zoektocht naar een goedkopere plek is een reëel plan.'),
        (5, 'samenwerking', 7, 7, 'Samenwerking met kerk en buurtnetwerk; het sociaal team kent de huiskamer.',
            'Voldoende samenwerking.'),
        (5, 'resultaat', 8, 8, 'Een hechte groep die elkaar concreet helpt.',
            'Duidelijke onderlinge steun binnen de groep.'),
        (5, 'inclusie', 5, 4, 'In de praktijk een besloten groep: nieuwe bezoekers alleen op uitnodiging en de zaal alleen via een trap bereikbaar.',
            'Onvoldoende: niet vrij toegankelijk en niet bereikbaar voor mensen met een beperking, in strijd met de eis van algemene toegankelijkheid.'),
        (5, 'duurzaamheid', 7, 7, 'Een stabiele groep vrijwilligers, maar nauwelijks vernieuwing.',
            'Op korte termijn voldoende geborgd.'),
        (6, 'samenwerking', 8, 8, 'Concrete afspraken per deelnemer over de afbouw van maatwerk en een maandelijkse registratie tegen dubbele financiering.',
            'Sterk: de organisatie draagt aantoonbaar bij aan het verminderen van dubbele financiering.'),
        (6, 'resultaat', 9, 9, '62 deelnemers kwamen uit een indicatie begeleiding groep: een overtuigende bijdrage aan het voorkomen van maatwerk.',
            'Goed onderbouwd met gegevens van de sociale teams.'),
        (6, 'inclusie', 9, 8, 'Gemengde groepen waarin iedereen een rol heeft; voorbeeldig.',
            'Zeer inclusief; de gemengde groepen werken goed.'),
        (6, 'duurzaamheid', 8, 8, 'Maatjes, een aanmeldregister en een meting op positieve gezondheid; deelnemers groeien door naar vrijwilligerswerk.',
            'Goed zicht op de instroom en de ontwikkeling van deelnemers.'),
        (7, 'samenwerking', 7, 7, 'Goede samenwerking met ggz en beschermd wonen; afspraken over afbouw van maatwerk met een deel van de aanbieders.',
            'Voldoende; de afspraken tegen dubbele financiering zijn nog niet volledig.'),
        (7, 'resultaat', 8, 8, '35 deelnemers kwamen uit een indicatie dagbesteding: een duidelijke bijdrage aan het voorkomen van maatwerk.',
            'Goede bijdrage, goed onderbouwd.'),
        (7, 'inclusie', 8, 8, 'Het wijkrestaurant verbindt deelnemers en buurtbewoners.',
            'Een inclusief concept, open voor de hele buurt.'),
        (7, 'duurzaamheid', 8, 7, 'Persoonlijke leerdoelen en registratie per wijk; het netwerk van deelnemers groeit via het restaurant.',
            'Voldoende tot goed; de ontwikkeling van deelnemers kan systematischer worden gemeten.'),
        (8, 'samenwerking', 5, 5, 'Samenwerking beperkt tot sociale teams en huisartsen; geen aanpak tegen dubbele financiering, terwijl een deel van de deelnemers ook begeleiding groep heeft.',
            'Onvoldoende: het verminderen van dubbele financiering per deelnemer, waar dit criterium om vraagt, ontbreekt.'),
        (8, 'resultaat', 7, 7, 'Een aannemelijke bijdrage aan het uitstellen van dagbesteding met een indicatie.',
            'Voldoende, maar weinig cijfers.'),
        (8, 'inclusie', 7, 7, 'Open atelier en een prikkelarme ruimte; toegankelijk voor de buurt.',
            'Voldoende inclusief.'),
        (8, 'duurzaamheid', 7, 6, 'Mantelzorgers worden betrokken; de registratie van deelnemers is nog in opbouw.',
            'Net voldoende: het zicht op de komst en de ontwikkeling van deelnemers is beperkt.'),
        (9, 'samenwerking', 8, 8, 'Warme doorverwijzing met raadslieden, SchuldHulpMaatje en bibliotheek.',
            'Een sterk netwerk rond geldzaken en formulieren.'),
        (9, 'resultaat', 9, 7, 'Ruim bereik en aantoonbare scholing in wet- en regelgeving.',
            'Goed: de kennis van wet- en regelgeving is geborgd via scholing; de onderlinge steun is minder zichtbaar.'),
        (9, 'inclusie', 7, 7, 'Spreekuren in vier buurten en huisbezoeken; uitleg in eenvoudige taal.',
            'Voldoende; de digitale toegankelijkheid kan beter.'),
        (9, 'duurzaamheid', 7, 7, 'De betaalde coördinator en het inwerkprogramma borgen de kennis.',
            'Voldoende, wel afhankelijk van één coördinator.'),
        (10, 'samenwerking', 7, 7, 'Samenwerking met KBO, sociale teams en wijkverpleging.',
            'Voldoende samenwerking.'),
        (10, 'resultaat', 8, 8, 'Veel huisbezoeken; de adviseurs zijn opgeleid en bijgeschoold in wet- en regelgeving.',
            'Goede kennis van de regelingen voor ouderen.'),
        (10, 'inclusie', 8, 7, 'Bereikt ouderen die de weg naar de loketten niet vinden.',
            'Goed, wel gericht op één leeftijdsgroep.'),
        (10, 'duurzaamheid', 6, 6, 'De coördinatie rust op één persoon en de instroom van nieuwe adviseurs is onzeker.',
            'Net voldoende: de continuïteit is kwetsbaar.'),
        (11, 'samenwerking', 8, 8, 'Goede samenwerking met sociale teams, woningcorporatie en repair café.',
            'Sterke samenwerking in Oost.'),
        (11, 'resultaat', 8, 8, 'Veel huishoudens geholpen; de tegenprestatie versterkt de buurt.',
            'Een goede bijdrage aan langer thuis wonen en onderlinge steun.'),
        (11, 'inclusie', 7, 7, 'Werkervaringsplekken voor vrijwilligers, en toegankelijk voor iedereen die het zelf niet kan.',
            'Voldoende inclusief.'),
        (11, 'duurzaamheid', 8, 8, 'Een vaste coördinator, een grote vrijwilligersgroep en doorstroom naar werk.',
            'Goed geborgd.'),
        (12, 'samenwerking', 7, 7, 'Samenwerking met de sociale teams en een bouwmarkt.',
            'Voldoende samenwerking.'),
        (12, 'resultaat', 7, 7, 'Kleine klussen helpen ouderen langer thuis te wonen.',
            'Voldoende; de onderlinge steun is weinig zichtbaar.'),
        (12, 'inclusie', 6, 6, 'De vergoeding per klus is een drempel; de vrijstelling voor minima verzacht dat.',
            'Net voldoende, dankzij de vrijstelling voor minima.'),
        (12, 'duurzaamheid', 7, 7, 'Een vaste groep klussers; de planning ligt bij één vrijwilliger.',
            'Voldoende geborgd.')
    ) as s (no, code, points_a, points_b, motivation_a, motivation_b)
    join subsidy_applications a on a.tenant_id = t and a.reference = format('SUB-%s-%s', y - 1, lpad(s.no::text, 4, '0'))
    cross join (values (u_beoordelaar, interval '0 days'), (u_beleid, interval '3 days')) as u (user_id, day_offset);
end
$$;
