-- A small demo world for `make run` on an empty database: a few verified
-- Binckhorst employers with open placements, a portal with job seekers from
-- Laak postcodes, and a handful of skills. Made up for the demo; the skill
-- and occupation URIs are ESCO identifiers, the labels are our own wording.
-- Coordinates are rough PC4 centres; import GeoNames for exact ones.

INSERT INTO postcodes (pc4, lat, lon, place, municipality) VALUES
    (2511, 52.078, 4.313, 'Den Haag', 'Den Haag'),
    (2516, 52.077, 4.338, 'Den Haag', 'Den Haag'),
    (2521, 52.068, 4.318, 'Den Haag', 'Den Haag'),
    (2522, 52.066, 4.328, 'Den Haag', 'Den Haag'),
    (2523, 52.063, 4.323, 'Den Haag', 'Den Haag'),
    (2524, 52.059, 4.333, 'Den Haag', 'Den Haag'),
    (2531, 52.053, 4.296, 'Den Haag', 'Den Haag'),
    (2271, 52.072, 4.360, 'Voorburg', 'Leidschendam-Voorburg'),
    (2281, 52.040, 4.322, 'Rijswijk', 'Rijswijk')
ON CONFLICT (pc4) DO NOTHING;

INSERT INTO skills (uri, label_en, label_nl, skill_type) VALUES
    ('http://data.europa.eu/esco/skill/86df7af2-f9f3-4c06-a500-7f1fba9e78fe',
     'work safely on a building site', 'veilig werken op de bouwplaats', 'skill/competence'),
    ('http://data.europa.eu/esco/skill/fafbb75f-ec35-4cc2-996a-20c85ef6c266',
     'work safely at heights', 'veilig werken op hoogte', 'skill/competence'),
    ('http://data.europa.eu/esco/skill/b92758d4-4591-4df1-9ceb-f907aa71ebd9',
     'measure with instruments', 'meten met meetinstrumenten', 'skill/competence'),
    ('http://data.europa.eu/esco/skill/52797dce-911c-4e6d-b0cb-491f6469014f',
     'install electrical equipment', 'elektrische apparatuur installeren', 'skill/competence'),
    ('http://data.europa.eu/esco/skill/52d6eb67-56c0-4ad7-b5c2-71e7c2362ece',
     'install sockets', 'wandcontactdozen aanleggen', 'skill/competence'),
    ('http://data.europa.eu/esco/skill/7eea6974-d606-4175-b95e-f66554816783',
     'fit insulation', 'isolatiemateriaal aanbrengen', 'skill/competence'),
    ('http://data.europa.eu/esco/skill/1889010b-f796-4a79-ba6e-7451dc6e3e4a',
     'cut insulation to size', 'isolatie op maat snijden', 'skill/competence'),
    ('http://data.europa.eu/esco/skill/792789aa-6122-4dd7-be50-bcdb46f85725',
     'install heat pumps and climate systems', 'warmtepompen en klimaatsystemen installeren',
     'skill/competence'),
    ('http://data.europa.eu/esco/skill/11c0bfec-6bc8-4ec0-a535-91bd65be92c5',
     'fit wooden parts into buildings', 'houten onderdelen in bouwwerken plaatsen',
     'skill/competence'),
    ('http://data.europa.eu/esco/skill/4fa2d6ba-4fff-4f21-bddd-4a54ae840955',
     'work in a building team', 'samenwerken in een bouwteam', 'skill/competence'),
    ('http://data.europa.eu/esco/skill/c8ac1986-38fa-43b2-89dc-50a4beeb420e',
     'electricity', 'elektriciteit', 'knowledge')
ON CONFLICT (uri) DO NOTHING;

INSERT INTO occupations (uri, label_en, label_nl, isco_group) VALUES
    ('http://data.europa.eu/esco/occupation/4910419f-b4af-4f59-b544-9dbebc8a74f0',
     'electrician', 'elektromonteur', '7411')
ON CONFLICT (uri) DO NOTHING;

INSERT INTO employers (kvk_number, name, address, postcode, lat, lon, verified) VALUES
    ('90000001', 'Binckhorst Installatietechniek (demo)', 'Binckhorstlaan 10', '2516 BA', 52.077, 4.338, true),
    ('90000002', 'Houtwerkplaats Laakhaven (demo)', 'Laakweg 5', '2521 AA', 52.068, 4.318, true),
    ('90000003', 'Zon op Dak Haaglanden (demo)', 'Saturnusstraat 20', '2516 AH', 52.078, 4.341, true),
    ('90000004', 'Nieuw Bedrijf (demo, not yet verified)', NULL, '2516', 52.077, 4.338, false);

INSERT INTO employer_contacts (employer_id, position, name, email, language)
SELECT id, 0, 'Demo contact', 'contact+' || kvk_number || '@example.org', 'nl' FROM employers
WHERE kvk_number LIKE '9000000_';

-- Weekday helper: the 168-slot string for Monday..Friday from..to o'clock.
CREATE FUNCTION pg_temp.weekdays(first integer, last integer, from_hour integer, to_hour integer)
RETURNS bit(168) LANGUAGE sql AS $$
    SELECT string_agg(CASE WHEN d BETWEEN first AND last AND h >= from_hour AND h < to_hour
                           THEN '1' ELSE '0' END, '' ORDER BY d, h)::bit(168)
    FROM generate_series(0, 6) d, generate_series(0, 23) h
$$;

INSERT INTO placements (employer_id, title, description, occupation_uri, postcode, lat, lon,
                        schedule, hours_per_week, start_date, end_date, capacity,
                        min_dutch_level, certificates, status)
SELECT e.id, p.title, p.description, p.occupation, e.postcode, e.lat, e.lon,
       pg_temp.weekdays(p.first_day, p.last_day, 8, 16), p.hours, current_date + p.starts,
       current_date + p.starts + p.weeks * 7, p.capacity, p.dutch, p.certificates, p.status
FROM (VALUES
    ('90000001', 'Meewerken als elektromonteur', 'Groepenkasten en wandcontactdozen aanleggen in nieuwbouw.',
     'http://data.europa.eu/esco/occupation/4910419f-b4af-4f59-b544-9dbebc8a74f0', 0, 3, 32, 14, 8, 2, 'A2', '{vca_basis}'::text[], 'open'),
    ('90000001', 'Warmtepompen plaatsen', 'Met een monteur mee naar woningen in Laak.', NULL, 0, 2, 24, 21, 6, 1, 'A2', '{vca_basis}'::text[], 'open'),
    ('90000002', 'Houtbewerking in de werkplaats', 'Kozijnen en trappen maken.', NULL, 1, 4, 32, 7, 12, 3, 'A1', '{}'::text[], 'open'),
    ('90000003', 'Zonnepanelen leggen', 'Panelen monteren op platte daken.', NULL, 0, 3, 32, 28, 8, 2, 'A2', '{vca_basis}'::text[], 'open'),
    ('90000003', 'Isoleren van spouwmuren', 'Nog in voorbereiding.', NULL, 0, 4, 40, 60, 10, 2, 'none', '{}'::text[], 'draft')
) AS p(kvk, title, description, occupation, first_day, last_day, hours, starts, weeks, capacity, dutch, certificates, status)
JOIN employers e ON e.kvk_number = p.kvk;

INSERT INTO placement_required_skills (placement_id, skill_uri, min_level, essential)
SELECT p.id, 'http://data.europa.eu/esco/skill/' || r.skill, r.level, r.essential
FROM placements p JOIN (VALUES
    ('Meewerken als elektromonteur', '86df7af2-f9f3-4c06-a500-7f1fba9e78fe', 2, true),
    ('Meewerken als elektromonteur', '52797dce-911c-4e6d-b0cb-491f6469014f', 1, false),
    ('Warmtepompen plaatsen', '86df7af2-f9f3-4c06-a500-7f1fba9e78fe', 2, true),
    ('Warmtepompen plaatsen', 'b92758d4-4591-4df1-9ceb-f907aa71ebd9', 2, false),
    ('Houtbewerking in de werkplaats', 'b92758d4-4591-4df1-9ceb-f907aa71ebd9', 1, false),
    ('Zonnepanelen leggen', 'fafbb75f-ec35-4cc2-996a-20c85ef6c266', 2, true),
    ('Zonnepanelen leggen', '4fa2d6ba-4fff-4f21-bddd-4a54ae840955', 1, false)
) AS r(title, skill, level, essential) ON r.title = p.title;

INSERT INTO placement_taught_skills (placement_id, skill_uri)
SELECT p.id, 'http://data.europa.eu/esco/skill/' || t.skill
FROM placements p JOIN (VALUES
    ('Meewerken als elektromonteur', '52d6eb67-56c0-4ad7-b5c2-71e7c2362ece'),
    ('Warmtepompen plaatsen', '792789aa-6122-4dd7-be50-bcdb46f85725'),
    ('Houtbewerking in de werkplaats', '11c0bfec-6bc8-4ec0-a535-91bd65be92c5'),
    ('Zonnepanelen leggen', '52797dce-911c-4e6d-b0cb-491f6469014f')
) AS t(title, skill) ON t.title = p.title;

INSERT INTO portals (name, contact_email) VALUES ('Wijkteam Laak (demo)', 'wijkteam@example.org');

INSERT INTO seekers (portal_id, external_ref, name, postcode, lat, lon, availability,
                     available_from, max_hours_per_week, max_travel_km, dutch_level, certificates,
                     consent_purpose, consent_text_version, consent_given_at)
SELECT (SELECT id FROM portals WHERE name = 'Wijkteam Laak (demo)'), s.ref, s.name, s.pc4,
       pc.lat, pc.lon, pg_temp.weekdays(s.first_day, s.last_day, 7, 17), current_date + s.from_days,
       s.hours, s.km, s.dutch, s.certificates,
       'matching with work-learning places of the Binck Praktijk Academie', 'demo-1', now()
FROM (VALUES
    ('demo-1', 'Demo Seeker Amal', '2522', 0, 4, 7, 32, 8, 'B1', '{vca_basis}'::text[]),
    ('demo-2', 'Demo Seeker Bram', '2523', 0, 2, 0, 24, 5, 'A2', '{}'::text[]),
    ('demo-3', 'Demo Seeker Chaima', '2521', 1, 4, 14, 32, 10, 'B2', '{}'::text[]),
    ('demo-4', 'Demo Seeker Dennis', '2524', 0, 4, 30, 40, 15, 'C1', '{vca_basis}'::text[]),
    ('demo-5', 'Demo Seeker Esra', '2531', 0, 3, 0, 20, 6, 'A1', '{}'::text[])
) AS s(ref, name, pc4, first_day, last_day, from_days, hours, km, dutch, certificates)
JOIN postcodes pc ON pc.pc4 = s.pc4::integer;

INSERT INTO seeker_skills (seeker_id, skill_uri, level)
SELECT s.id, 'http://data.europa.eu/esco/skill/' || k.skill, k.level
FROM seekers s JOIN (VALUES
    ('demo-1', '86df7af2-f9f3-4c06-a500-7f1fba9e78fe', 3),
    ('demo-1', '52797dce-911c-4e6d-b0cb-491f6469014f', 2),
    ('demo-2', 'b92758d4-4591-4df1-9ceb-f907aa71ebd9', 2),
    ('demo-3', '11c0bfec-6bc8-4ec0-a535-91bd65be92c5', 1),
    ('demo-4', 'fafbb75f-ec35-4cc2-996a-20c85ef6c266', 4),
    ('demo-4', '86df7af2-f9f3-4c06-a500-7f1fba9e78fe', 4),
    ('demo-5', '4fa2d6ba-4fff-4f21-bddd-4a54ae840955', 2)
) AS k(ref, skill, level) ON k.ref = s.external_ref;

INSERT INTO seeker_learning_goals (seeker_id, skill_uri)
SELECT s.id, 'http://data.europa.eu/esco/skill/' || g.skill
FROM seekers s JOIN (VALUES
    ('demo-1', '52d6eb67-56c0-4ad7-b5c2-71e7c2362ece'),
    ('demo-2', '792789aa-6122-4dd7-be50-bcdb46f85725'),
    ('demo-3', '11c0bfec-6bc8-4ec0-a535-91bd65be92c5'),
    ('demo-5', '52797dce-911c-4e6d-b0cb-491f6469014f')
) AS g(ref, skill) ON g.ref = s.external_ref;
