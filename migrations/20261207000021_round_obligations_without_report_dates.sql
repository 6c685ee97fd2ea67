-- The obligations of a grant come from one source (subsidy::after::obligations): the reports
-- follow from the round's amount bands and its accountability months, and the letter and the
-- application pages say them alike. The demo rounds' free text also named reports and a day
-- (1 mei) that contradicted the computed one; keep only what it adds.
update subsidy_rounds
set obligations = 'Tussentijds melden als activiteiten niet of niet geheel doorgaan.'
where obligations = 'Een activiteitenverslag en een financieel verslag uiterlijk 1 mei van het jaar na de '
                    || 'subsidieperiode; tussentijds melden als activiteiten niet of niet geheel doorgaan.';
