"""Hand-written SQL for the reports: the floor each report page is compared with.

Each statement computes, in one query, the figures its page shows. {seconds} and {month} are
filled per database. Parameters: :s and :e (the UTC range, end excluded), :c (a course id),
:sd, :ed and :today (dates) for the library report.
"""

import re

DIALECT = {
    "sqlite": {"seconds": "((julianday({b}) - julianday({a})) * 86400.0)"},
    "postgresql": {"seconds": "EXTRACT(EPOCH FROM ({b} - {a}))"},
}

OVERVIEW_BY_COURSE = """
WITH act AS (
  SELECT learner_id, course_id FROM lesson_progress WHERE completed_at >= :s AND completed_at < :e
  UNION ALL
  SELECT learner_id, course_id FROM quiz_attempts WHERE submitted_at >= :s AND submitted_at < :e
),
a AS (SELECT course_id, COUNT(DISTINCT learner_id) AS n FROM act GROUP BY course_id),
a_all AS (SELECT COUNT(DISTINCT learner_id) AS n FROM act),
en AS (SELECT course_id, COUNT(*) AS n FROM enrolments
       WHERE started_at >= :s AND started_at < :e GROUP BY course_id),
co AS (SELECT course_id, COUNT(*) AS n FROM enrolments
       WHERE completed_at >= :s AND completed_at < :e GROUP BY course_id),
ce AS (SELECT course_id, COUNT(*) AS n FROM certificates
       WHERE issued_at >= :s AND issued_at < :e GROUP BY course_id),
qa AS (SELECT course_id, COUNT(*) AS n, SUM(CASE WHEN passed THEN 1 ELSE 0 END) AS p,
              COUNT(DISTINCT learner_id) AS l
       FROM quiz_attempts WHERE submitted_at >= :s AND submitted_at < :e GROUP BY course_id),
d AS (SELECT course_id, {seconds} AS sec,
             ROW_NUMBER() OVER (PARTITION BY course_id ORDER BY {seconds}) AS rn,
             COUNT(*) OVER (PARTITION BY course_id) AS cnt
      FROM enrolments WHERE completed_at >= :s AND completed_at < :e),
md AS (SELECT course_id, AVG(sec) AS m FROM d WHERE 2 * rn BETWEEN cnt AND cnt + 2
       GROUP BY course_id),
d_all AS (SELECT {seconds} AS sec, ROW_NUMBER() OVER (ORDER BY {seconds}) AS rn,
                 COUNT(*) OVER () AS cnt
          FROM enrolments WHERE completed_at >= :s AND completed_at < :e)
SELECT c.id, a.n, en.n, co.n, ce.n, qa.n, qa.p, qa.l, md.m
FROM courses c
LEFT JOIN a ON a.course_id = c.id LEFT JOIN en ON en.course_id = c.id
LEFT JOIN co ON co.course_id = c.id LEFT JOIN ce ON ce.course_id = c.id
LEFT JOIN qa ON qa.course_id = c.id LEFT JOIN md ON md.course_id = c.id
UNION ALL
SELECT NULL, (SELECT n FROM a_all), (SELECT SUM(n) FROM en), (SELECT SUM(n) FROM co),
       (SELECT SUM(n) FROM ce), (SELECT SUM(n) FROM qa), (SELECT SUM(p) FROM qa),
       (SELECT COUNT(DISTINCT learner_id) FROM quiz_attempts
        WHERE submitted_at >= :s AND submitted_at < :e),
       (SELECT AVG(sec) FROM d_all WHERE 2 * rn BETWEEN cnt AND cnt + 2)
"""

OVERVIEW_BY_BRANCH = """
WITH act AS (
  SELECT learner_id FROM lesson_progress WHERE completed_at >= :s AND completed_at < :e
  UNION ALL
  SELECT learner_id FROM quiz_attempts WHERE submitted_at >= :s AND submitted_at < :e
),
who AS (SELECT l.id AS learner_id, u.organisation_id AS org
        FROM learners l LEFT JOIN users u ON u.id = l.user_id),
a AS (SELECT who.org, COUNT(DISTINCT act.learner_id) AS n
      FROM act JOIN who ON who.learner_id = act.learner_id GROUP BY who.org),
en AS (SELECT who.org, COUNT(*) AS n FROM enrolments e JOIN who ON who.learner_id = e.learner_id
       WHERE e.started_at >= :s AND e.started_at < :e GROUP BY who.org),
co AS (SELECT who.org, COUNT(*) AS n FROM enrolments e JOIN who ON who.learner_id = e.learner_id
       WHERE e.completed_at >= :s AND e.completed_at < :e GROUP BY who.org),
ce AS (SELECT who.org, COUNT(*) AS n FROM certificates c
       JOIN who ON who.learner_id = c.learner_id
       WHERE c.issued_at >= :s AND c.issued_at < :e GROUP BY who.org),
qa AS (SELECT who.org, COUNT(*) AS n, SUM(CASE WHEN q.passed THEN 1 ELSE 0 END) AS p
       FROM quiz_attempts q JOIN who ON who.learner_id = q.learner_id
       WHERE q.submitted_at >= :s AND q.submitted_at < :e GROUP BY who.org),
d AS (SELECT who.org, {seconds} AS sec,
             ROW_NUMBER() OVER (PARTITION BY who.org ORDER BY {seconds}) AS rn,
             COUNT(*) OVER (PARTITION BY who.org) AS cnt
      FROM enrolments JOIN who ON who.learner_id = enrolments.learner_id
      WHERE completed_at >= :s AND completed_at < :e),
md AS (SELECT org, AVG(sec) AS m FROM d WHERE 2 * rn BETWEEN cnt AND cnt + 2 GROUP BY org)
SELECT a.org, a.n, en.n, co.n, ce.n, qa.n, qa.p, md.m
FROM a LEFT JOIN en ON en.org = a.org LEFT JOIN co ON co.org = a.org
LEFT JOIN ce ON ce.org = a.org LEFT JOIN qa ON qa.org = a.org LEFT JOIN md ON md.org = a.org
"""

COURSE = """
WITH cohort AS (
  SELECT learner_id, completed_at, last_lesson_id FROM enrolments
  WHERE course_id = :c AND started_at >= :s AND started_at < :e
),
lp AS (SELECT l.module_id, p.learner_id, COUNT(*) AS n
       FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id
       JOIN cohort ch ON ch.learner_id = p.learner_id
       WHERE p.course_id = :c AND l.required AND l.is_active GROUP BY l.module_id, p.learner_id),
qp AS (SELECT q.module_id, a.learner_id, MAX(CASE WHEN a.passed THEN 1 ELSE 0 END) AS passed
       FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id
       JOIN cohort ch ON ch.learner_id = a.learner_id
       WHERE a.course_id = :c GROUP BY q.module_id, a.learner_id),
need AS (SELECT module_id, COUNT(*) AS n FROM lessons
         WHERE course_id = :c AND required AND is_active GROUP BY module_id)
SELECT 'module', lp.module_id, COUNT(*),
       SUM(CASE WHEN lp.n >= need.n AND COALESCE(qp.passed, 0) = 1 THEN 1 ELSE 0 END)
FROM lp JOIN need ON need.module_id = lp.module_id
LEFT JOIN qp ON qp.module_id = lp.module_id AND qp.learner_id = lp.learner_id
GROUP BY lp.module_id
UNION ALL
SELECT 'lesson', p.lesson_id, COUNT(*), 0 FROM lesson_progress p
JOIN cohort ch ON ch.learner_id = p.learner_id WHERE p.course_id = :c GROUP BY p.lesson_id
UNION ALL
SELECT 'stopped', last_lesson_id, COUNT(*), 0 FROM cohort
WHERE completed_at IS NULL GROUP BY last_lesson_id
UNION ALL
SELECT 'question', aa.question_id, COUNT(*), SUM(CASE WHEN aa.is_correct THEN 1 ELSE 0 END)
FROM attempt_answers aa JOIN quiz_attempts a ON a.id = aa.attempt_id
JOIN cohort ch ON ch.learner_id = a.learner_id WHERE a.course_id = :c GROUP BY aa.question_id
UNION ALL
SELECT 'certificates', NULL, COUNT(*), 0 FROM certificates c
JOIN cohort ch ON ch.learner_id = c.learner_id WHERE c.course_id = :c AND c.revoked_at IS NULL
UNION ALL
SELECT 'cohort', NULL, COUNT(*), COUNT(completed_at) FROM cohort
"""

LIBRARIES = """
WITH pairs AS (
  SELECT c.organisation_id AS org, a.course_id, a.module_id, a.due_on, m.user_id
  FROM assignments a JOIN classes c ON c.id = a.class_id
  JOIN class_members m ON m.class_id = a.class_id
  WHERE a.user_id IS NULL AND a.due_on >= :sd AND a.due_on <= :ed AND a.due_on < :today
  UNION ALL
  SELECT c.organisation_id, a.course_id, a.module_id, a.due_on, a.user_id
  FROM assignments a JOIN classes c ON c.id = a.class_id
  WHERE a.user_id IS NOT NULL AND a.due_on >= :sd AND a.due_on <= :ed AND a.due_on < :today
),
pl AS (SELECT pairs.*, l.id AS learner_id
       FROM pairs LEFT JOIN learners l ON l.user_id = pairs.user_id),
ls AS (SELECT p.learner_id, l.module_id, COUNT(*) AS n, MAX(p.completed_at) AS at
       FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id
       WHERE l.required AND l.is_active AND p.learner_id IN (SELECT learner_id FROM pl)
       GROUP BY p.learner_id, l.module_id),
qs AS (SELECT a.learner_id, q.module_id, MIN(a.submitted_at) AS at
       FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id
       WHERE a.passed AND a.learner_id IN (SELECT learner_id FROM pl)
       GROUP BY a.learner_id, q.module_id),
need AS (SELECT module_id, COUNT(*) AS n FROM lessons WHERE required AND is_active
         GROUP BY module_id),
md AS (SELECT ls.learner_id, ls.module_id, CASE WHEN qs.at > ls.at THEN qs.at ELSE ls.at END AS at
       FROM ls JOIN need ON need.module_id = ls.module_id
       JOIN qs ON qs.learner_id = ls.learner_id AND qs.module_id = ls.module_id
       WHERE ls.n >= need.n)
SELECT 'due', pl.org, COUNT(*),
       SUM(CASE WHEN date(CASE WHEN pl.module_id IS NULL THEN e.completed_at ELSE md.at END)
                     <= pl.due_on THEN 1 ELSE 0 END)
FROM pl
LEFT JOIN enrolments e ON e.learner_id = pl.learner_id AND e.course_id = pl.course_id
LEFT JOIN md ON md.learner_id = pl.learner_id AND md.module_id = pl.module_id
GROUP BY pl.org
UNION ALL
SELECT 'patrons', organisation_id, COUNT(*), 0 FROM users WHERE role = 'learner'
GROUP BY organisation_id
UNION ALL
SELECT 'classes', organisation_id, COUNT(*), 0 FROM classes WHERE NOT archived
GROUP BY organisation_id
UNION ALL
SELECT 'assignments', c.organisation_id, COUNT(*), 0 FROM assignments a
JOIN classes c ON c.id = a.class_id WHERE a.created_at >= :s AND a.created_at < :e
GROUP BY c.organisation_id
"""

LEARNERS = """
SELECT u.display_name, u.username, o.name, COALESCE(e.started, 0), COALESCE(e.completed, 0),
       COALESCE(c.n, 0), e.last_active
FROM users u JOIN organisations o ON o.id = u.organisation_id
LEFT JOIN learners l ON l.user_id = u.id
LEFT JOIN (SELECT learner_id, COUNT(*) AS started, COUNT(completed_at) AS completed,
                  MAX(last_activity_at) AS last_active FROM enrolments GROUP BY learner_id) e
       ON e.learner_id = l.id
LEFT JOIN (SELECT learner_id, COUNT(*) AS n FROM certificates WHERE revoked_at IS NULL
           GROUP BY learner_id) c ON c.learner_id = l.id
WHERE u.role = 'learner'
ORDER BY u.display_name, u.id
"""


def sql(text: str, dialect: str) -> str:
    seconds = DIALECT[dialect]["seconds"].format(a="started_at", b="completed_at")
    text = text.replace("{seconds}", seconds)
    return re.sub(
        r"\{medians:(\w+)\}", lambda m: MEDIANS[dialect].replace("{key}", m.group(1)), text
    )


# The same figures read from report_months (whole months), as one hand-written query: the
# floor for the overview as it is built now. {key} is the column grouped by.
OVERVIEW_MONTHS = """
WITH r AS (SELECT * FROM report_months WHERE month >= :m1 AND month <= :m2),
g AS (SELECT {key} AS k, COUNT(DISTINCT CASE WHEN lessons + attempts > 0 THEN learner_id END) AS a,
             SUM(started) AS s, SUM(completed) AS c, SUM(certificates) AS ce,
             SUM(attempts) AS at, SUM(passed) AS p
      FROM r GROUP BY {key}),
t AS (SELECT COUNT(DISTINCT CASE WHEN lessons + attempts > 0 THEN learner_id END) AS a FROM r),
{medians}
SELECT g.k, g.a, g.s, g.c, g.ce, g.at, g.p, md.m FROM g LEFT JOIN md ON md.k = g.k
UNION ALL
SELECT NULL, t.a, NULL, NULL, NULL, NULL, NULL, mt.m FROM t, mt
"""

# Medians per group (md) and over all (mt): window functions, or on PostgreSQL the
# ordered-set aggregate, whichever each database does fastest.
MEDIANS = {
    "sqlite": """d AS (SELECT {key} AS k, seconds,
             ROW_NUMBER() OVER (PARTITION BY {key} ORDER BY seconds) AS rn,
             COUNT(*) OVER (PARTITION BY {key}) AS n
      FROM r WHERE completed > 0),
md AS (SELECT k, AVG(seconds) AS m FROM d WHERE 2 * rn BETWEEN n AND n + 2 GROUP BY k),
nt AS (SELECT COUNT(*) AS n FROM r WHERE completed > 0),
mt AS (SELECT AVG(seconds) AS m FROM (
         SELECT seconds FROM r WHERE completed > 0 ORDER BY seconds
         LIMIT 2 - (SELECT n FROM nt) % 2 OFFSET ((SELECT n FROM nt) - 1) / 2))""",
    "postgresql": """pc AS (SELECT GROUPING({key}) AS whole, {key} AS k,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS m
      FROM r WHERE completed > 0 GROUP BY ROLLUP ({key})),
md AS (SELECT k, m FROM pc WHERE whole = 0),
mt AS (SELECT m FROM pc WHERE whole = 1)""",
}


def months_sql(key: str) -> str:
    return OVERVIEW_MONTHS.replace("{key}", key).replace("{medians}", "{medians:" + key + "}")


# The course report as it is built now: the cells of the whole months of the range, summed
# per item, and the unfinished learners per last lesson opened, from the enrolments.
COURSE_CELLS = """
SELECT kind, item_id, SUM(learners), SUM(answers), SUM(correct), SUM(finished)
FROM report_course_cells
WHERE course_id = :c AND month >= :m1 AND month <= :m2
GROUP BY kind, item_id
UNION ALL
SELECT 'stopped', last_lesson_id, COUNT(*), 0, 0, 0 FROM enrolments
WHERE course_id = :c AND started_at >= :s AND started_at < :e AND completed_at IS NULL
  AND last_lesson_id IS NOT NULL
GROUP BY last_lesson_id
"""
