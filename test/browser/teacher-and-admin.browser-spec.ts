import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FileChooser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { buildPdf } from '../factories/pdf.js';
import { AnthropicFake, reply } from '../fakes/anthropic-fake-server.js';
import { axeChecked, type BrowserSession, capture, eventually, expectAccessible, launchBrowser, newPage, step } from './support/browser.js';
import { type RunningServer, startServer } from './support/server.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/handwriting/${name}`, import.meta.url)));

const BAD_ROSTER = ['name,email,student id', 'Maya Lopez,maya@students.test,S-001', 'Noah Kim,not-an-email,S-002', ',amir@students.test,S-003', ''].join('\n');
const GOOD_ROSTER = ['name,email,student id', 'Maya Lopez,maya@students.test,S-001', 'Noah Kim,noah@students.test,S-002', 'Amir Haddad,amir@students.test,S-003', ''].join('\n');

/**
 * What the fake Claude answers for every piece of work: the Math template's two criteria with an
 * evidence quote from its own transcription; the second request is flagged, the others confident.
 */
function scriptGrader(fake: AnthropicFake): void {
  let requests = 0;
  fake.respondWith(() => {
    const index = requests++;
    return reply.toolUse('record_rubric_grade', {
      transcription: 'Maria has 3/4 of a pizza and eats 1/4. 3/4 - 1/4 = 2/4 = 1/2. Answer: 1/2 of the pizza is left.',
      criteria: [
        { criterion_id: 'crit_1', level: 1, score: 5, reasoning: 'The final answer 1/2 is correct.', evidence_quote: 'Answer: 1/2 of the pizza is left' },
        { criterion_id: 'crit_2', level: 2, score: 2, reasoning: 'The subtraction is shown but not explained.', evidence_quote: '3/4 - 1/4 = 2/4 = 1/2' },
      ],
      feedback: 'You subtracted the fractions correctly. Next time, say in words why you subtract.',
      confidence: [0.95, 0.62, 0.93, 0.97][index % 4],
      flags: index === 1 ? ['illegible'] : [],
    });
  });
}

/** Signs in through the sign-in page's development form and waits for the first page of the app. */
async function devSignIn(page: Page, email: string, name: string, role: 'teacher' | 'admin'): Promise<void> {
  await page.goto('/');
  await page.waitForURL('**/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name').fill(name);
  await page.getByRole('radio', { name: role === 'admin' ? 'District admin' : 'Teacher' }).check();
  await page.getByRole('button', { name: 'Sign in (development)' }).click();
  await page.getByRole('heading', { level: 1, name: role === 'admin' ? 'Activity log' : 'Your classes' }).waitFor();
}

describe('the web app in a real browser', () => {
  let server: RunningServer;
  let fake: AnthropicFake;
  let chromium: BrowserSession;
  let teacher: Page;
  let teacherErrors: string[];
  const ids: { classId?: string; rubricId?: string; assignmentId?: string } = {};

  beforeAll(async () => {
    fake = await AnthropicFake.start();
    scriptGrader(fake);
    server = await startServer(fake.env);
    chromium = await launchBrowser();
    ({ page: teacher, errors: teacherErrors } = await newPage(chromium.browser, server.url));
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
    await fake?.stop();
    if (axeChecked.length) console.log(`axe-core checked ${axeChecked.length} page states: ${axeChecked.join(', ')}`);
  });

  it('is served by the API server: the app at any non-API path, hashed assets cached for good, API 404s as JSON', async () => {
    const deepLink = await fetch(`${server.url}/classes/anything?tab=assignments`);
    expect(deepLink.status).toBe(200);
    expect(deepLink.headers.get('cache-control')).toBe('no-cache');
    const html = await deepLink.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${server.url}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const unknownApi = await fetch(`${server.url}/api/no-such-thing`);
    expect(unknownApi.status).toBe(404);
    await expect(unknownApi.json()).resolves.toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('explains a refused Google sign-in in plain words', async () => {
    await step('refused-sign-in', [teacher], async () => {
      await teacher.goto('/sign-in?error=domain_not_allowed');
      await expect(teacher.getByRole('alert').textContent()).resolves.toContain('not from your school district');
      await teacher.getByRole('heading', { name: 'Development sign-in' }).waitFor();
      await expectAccessible(teacher, 'sign-in (domain not allowed)');
      await capture(teacher, 'sign-in-domain-not-allowed');
    });
  });

  it('signs a teacher in with the development sign-in', async () => {
    await step('teacher-sign-in', [teacher], async () => {
      await teacher.goto('/sign-in');
      await expectAccessible(teacher, 'sign-in');
      await devSignIn(teacher, 'rivera@district.test', 'Ms Rivera', 'teacher');
      await teacher.getByText('You have no classes yet').waitFor();
      await expectAccessible(teacher, 'teacher dashboard (empty)');
    });
  });

  it('creates a class', async () => {
    await step('create-class', [teacher], async () => {
      await teacher.getByRole('button', { name: 'New class' }).click();
      const dialog = teacher.getByRole('dialog', { name: 'New class' });
      await dialog.getByLabel('Class name').fill('3rd Period Math');
      await dialog.getByLabel('Grade level').fill('3rd');
      await dialog.getByLabel('Subject').fill('Math');
      await expectAccessible(teacher, 'new class dialog');
      await dialog.getByRole('button', { name: 'Create class' }).click();
      await teacher.getByRole('heading', { level: 1, name: '3rd Period Math' }).waitFor();
      ids.classId = /\/classes\/([0-9a-f-]{36})/.exec(teacher.url())?.[1];
      expect(ids.classId).toBeDefined();
      await expectAccessible(teacher, 'class page (empty roster)');
    });
  });

  it('imports a roster: shows the bad rows where they are, then imports the corrected file', async () => {
    await step('roster-import', [teacher], async () => {
      // From the keyboard: the drop zone takes focus, and Enter opens the file chooser.
      const chooser = await chooseFromKeyboard(teacher, teacher.getByLabel('Roster CSV file: drop it here, or press Enter to choose it'));
      await chooser.setFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_ROSTER) });
      await teacher.getByText('The roster was not imported').waitFor();
      const row3 = teacher.locator('tr[data-row="3"]');
      await expect(row3.locator('td[data-invalid]').textContent()).resolves.toContain('not-an-email');
      await expect(row3.textContent()).resolves.toContain('is not an email address');
      await expect(teacher.locator('tr[data-row="4"]').textContent()).resolves.toContain('the name is missing');
      await expect(teacher.locator('tr[data-row="2"]').count()).resolves.toBe(0);
      await expectAccessible(teacher, 'roster import errors');
      await capture(teacher, 'roster-import-errors');

      await teacher.locator('input[type="file"][name="roster"]').setInputFiles({ name: 'roster-fixed.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD_ROSTER) });
      await teacher.getByText('roster-fixed.csv: 3 added, 0 updated, 0 unchanged.').waitFor();
      const roster = teacher.getByRole('table', { name: 'Roster of 3rd Period Math' });
      await roster.getByRole('rowheader', { name: 'Amir Haddad' }).waitFor();
      await expect(teacher.getByText('The roster was not imported').count()).resolves.toBe(0);
      await expectAccessible(teacher, 'class page (roster)');
      await capture(teacher, 'class-roster');
    });
  });

  it('adds a student and corrects another from the keyboard', async () => {
    await step('students', [teacher], async () => {
      await teacher.getByRole('button', { name: 'Add student' }).click();
      const add = teacher.getByRole('dialog', { name: 'Add a student' });
      await add.getByLabel('Full name').fill('Zoe Park');
      await add.getByLabel('Email').fill('maya@students.test');
      await add.getByRole('button', { name: 'Add student' }).click();
      // The email is already used in the class: the server's 409 names the field.
      await add.getByText(/email/i).first().waitFor();
      await add.getByLabel('Email').fill('zoe@students.test');
      await add.getByLabel('Email').press('Enter');
      await teacher.getByRole('rowheader', { name: 'Zoe Park' }).waitFor();

      await teacher.getByRole('button', { name: 'Edit Noah Kim' }).focus();
      await teacher.keyboard.press('Enter');
      const edit = teacher.getByRole('dialog', { name: 'Edit Noah Kim' });
      await edit.getByLabel('Full name').fill('Noah Kim-Lee');
      await edit.getByLabel('Full name').press('Enter');
      await teacher.getByRole('rowheader', { name: 'Noah Kim-Lee' }).waitFor();
    });
  });

  it('copies a template and edits its criteria, with the server’s problems shown beside the fields', async () => {
    await step('rubric', [teacher], async () => {
      await teacher.getByRole('link', { name: 'Rubrics' }).click();
      await teacher.getByRole('heading', { level: 1, name: 'Rubrics' }).waitFor();
      await teacher.getByRole('tab', { name: 'Templates' }).click();
      await teacher.getByRole('rowheader', { name: 'Math Problem Solving' }).waitFor();
      await expectAccessible(teacher, 'rubric library (templates)');
      await teacher.getByRole('button', { name: 'Copy Math Problem Solving' }).click();
      await teacher.getByRole('heading', { level: 1, name: 'Math Problem Solving (copy)' }).waitFor();
      ids.rubricId = /\/rubrics\/([0-9a-f-]{36})/.exec(teacher.url())?.[1];

      const first = teacher.locator('[data-criterion="0"]');
      await first.locator('[data-level="0"]').getByLabel('Level 1 points').fill('7');
      await teacher.getByRole('button', { name: 'Save as a new version' }).click();
      await teacher.getByText('The rubric was not saved').waitFor();
      await first.getByText('points must be between 0 and max_points (5)').waitFor();
      await expectAccessible(teacher, 'rubric editor (validation errors)');
      await capture(teacher, 'rubric-editor-errors');

      await first.locator('[data-level="0"]').getByLabel('Level 1 points').fill('5');
      await teacher.getByLabel('Rubric name').fill('Math Problem Solving, 3rd period');
      await teacher.getByRole('button', { name: 'Save as a new version' }).click();
      await teacher.getByRole('heading', { level: 1, name: 'Math Problem Solving, 3rd period' }).waitFor();
      await teacher.getByRole('button', { name: 'View version 2' }).waitFor();
      await expectAccessible(teacher, 'rubric editor (version history)');
    });
  });

  it('creates an assignment graded with that rubric and activates it', async () => {
    await step('assignment', [teacher], async () => {
      await teacher.goto(`/classes/${ids.classId}?tab=assignments`);
      await teacher.getByRole('link', { name: 'New assignment' }).click();
      await teacher.getByRole('heading', { level: 1, name: 'New assignment' }).waitFor();
      await teacher.getByLabel('Title').fill('Fractions quiz');
      await teacher.getByLabel('Instructions').fill('Show your work for every question.');
      await teacher.getByRole('combobox', { name: 'Rubric' }).click();
      await teacher.getByRole('option', { name: /Math Problem Solving, 3rd period/ }).click();
      await expectAccessible(teacher, 'new assignment');
      await capture(teacher, 'new-assignment');
      await teacher.getByRole('button', { name: 'Create assignment' }).click();
      await teacher.getByRole('heading', { level: 1, name: 'Fractions quiz' }).waitFor();
      ids.assignmentId = /\/assignments\/([0-9a-f-]{36})/.exec(teacher.url())?.[1];
      await teacher.getByRole('link', { name: 'Math Problem Solving, 3rd period' }).waitFor();
      await teacher.getByRole('button', { name: 'Activate' }).click();
      await teacher.getByText('Active', { exact: true }).waitFor();
      await expectAccessible(teacher, 'assignment page');
      await capture(teacher, 'assignment');
    });
  });

  it('uploads real photos with per-file progress, then a whole-class PDF, and matches work to students', async () => {
    await step('upload', [teacher], async () => {
      await teacher.getByRole('link', { name: 'Upload work' }).click();
      await teacher.getByRole('heading', { level: 1, name: 'Upload student work' }).waitFor();
      await expectAccessible(teacher, 'upload page');
      await teacher.locator('input[type="file"][name="files"]').setInputFiles([
        { name: 'Maya Lopez.png', mimeType: 'image/png', buffer: fixture('hw-formula1.png') },
        { name: 'scan-0042.png', mimeType: 'image/png', buffer: fixture('hw-formula2.png') },
        { name: 'notes.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: Buffer.from('PK not really') },
      ]);
      await teacher.getByText('2 of 3 uploaded, 1 failed').waitFor({ timeout: 30_000 });
      await expect(teacher.locator('[data-file="notes.docx"]').textContent()).resolves.toContain('cannot be graded');
      await expect(teacher.getByRole('progressbar', { name: 'Maya Lopez.png upload' }).getAttribute('aria-valuenow')).resolves.toBe('100');
      await expectAccessible(teacher, 'upload page (files uploaded)');
      await capture(teacher, 'upload-files');

      await teacher.getByText('One scanned PDF of the whole class').click();
      const pages = await Promise.all(['hw-formula1.png', 'hw-formula3.png'].map((name) => sharp(fixture(name)).flatten({ background: '#ffffff' }).jpeg().toBuffer()));
      const pdf = await buildPdf(pages.map((jpeg) => ({ jpeg })));
      await teacher.locator('input[type="file"][name="stack"]').setInputFiles({ name: 'class-scan.pdf', mimeType: 'application/pdf', buffer: pdf });
      await teacher.getByRole('button', { name: 'Upload and split' }).click();
      await teacher.getByText('Split into 2 submissions.').waitFor({ timeout: 30_000 });
      await teacher.getByText('All pages are ready.').waitFor({ timeout: 60_000 });

      await teacher.getByRole('link', { name: 'Check the matching queue' }).click();
      await teacher.getByRole('heading', { level: 1, name: 'Match work to students' }).waitFor();
      const card = teacher.getByRole('article', { name: 'scan-0042.png' });
      await card.getByRole('combobox', { name: 'Student' }).click();
      await teacher.getByRole('option', { name: /Noah Kim-Lee/ }).click();
      await card.getByRole('button', { name: 'Assign' }).click();
      await teacher.getByText("scan-0042.png is now Noah Kim-Lee's work.").waitFor();
      await eventually(async () => (await card.count()) === 0, 'the matched submission leaves the queue');
      await expectAccessible(teacher, 'matching queue');
      await capture(teacher, 'matching');
    });
  });

  it('reviews the AI grades from the keyboard: an edit, an approval, then the confident rest in bulk', async () => {
    await step('review', [teacher], async () => {
      await teacher.goto(`/assignments/${ids.assignmentId}`);
      await teacher.getByRole('link', { name: 'Review grades' }).click();
      await teacher.getByRole('heading', { level: 1, name: 'Review grades' }).waitFor();
      // Uploads are graded by the fake Claude in the background; the queue fills as proposals arrive.
      const queue = teacher.getByRole('navigation', { name: 'Grades waiting for review' });
      await eventually(async () => (await queue.getByRole('listitem').count()) >= 3, 'three AI proposals wait for review', 60_000);
      const announcer = teacher.getByTestId('review-announcer');
      const reviewing = teacher.locator('[data-current-submission]');
      await reviewing.locator('img[data-page-image]').waitFor();
      await expectAccessible(teacher, 'review screen');
      await capture(teacher, 'review');

      // Flagged proposals come first. An edit: E moves to the first criterion's levels, an arrow key picks the next level, A saves.
      await reviewing.getByText('Flagged for your attention').waitFor();
      const first = await reviewing.getAttribute('data-current-submission');
      await teacher.keyboard.press('e');
      await teacher.keyboard.press('ArrowDown');
      await eventually(async () => /Correct Answer: 3 of 5 points\. Total 5 of 8\./.test((await announcer.textContent()) ?? ''), 'the score change is announced');
      await teacher.keyboard.press('a');
      await eventually(async () => /Saved your changes to .*grade/.test((await announcer.textContent()) ?? ''), 'the edit is announced');
      await eventually(async () => (await reviewing.getAttribute('data-current-submission')) !== first, 'the next submission is shown');

      // An approval as proposed.
      const second = await reviewing.getAttribute('data-current-submission');
      await reviewing.locator('img[data-page-image]').waitFor();
      await teacher.keyboard.press('a');
      await eventually(async () => /^Approved .*grade/.test((await announcer.textContent()) ?? ''), 'the approval is announced');
      await eventually(async () => (await reviewing.getAttribute('data-current-submission')) !== second, 'the next submission is shown');

      // The confident, unflagged rest in one go.
      await teacher.getByRole('button', { name: 'Approve 2 grades' }).click();
      await teacher.getByRole('dialog').getByRole('button', { name: 'Approve them' }).click();
      await eventually(async () => /^Approved 2 grades\./.test((await announcer.textContent()) ?? ''), 'the bulk approval is announced');
      await teacher.getByText('Nothing waiting for review').waitFor();
    });
  });

  it('shows the statistics and downloads the gradebook', async () => {
    await step('stats', [teacher], async () => {
      await teacher.getByRole('link', { name: 'Statistics' }).click();
      await teacher.getByRole('heading', { level: 1, name: 'Statistics' }).waitFor();
      await teacher.getByRole('table', { name: 'Score histogram' }).waitFor({ state: 'attached' });
      await teacher.getByRole('table', { name: 'Agreement by criterion' }).getByText('Correct Answer').waitFor();
      await expectAccessible(teacher, 'statistics');
      await capture(teacher, 'statistics');
      const download = teacher.waitForEvent('download');
      await teacher.getByRole('link', { name: 'Export approved grades (CSV)' }).click();
      const csv = readFileSync((await (await download).path())!, 'utf8');
      expect(csv).toMatch(/Maya Lopez|Noah Kim-Lee/);
    });
  });

  it('keeps API tokens: shows a new one once, and revokes it', async () => {
    await step('tokens', [teacher], async () => {
      await teacher.getByRole('link', { name: 'API tokens' }).click();
      await teacher.getByLabel('What it is for').fill('gradebook sync');
      await teacher.getByRole('button', { name: 'Create token' }).click();
      const token = await teacher.getByTestId('new-token').textContent();
      expect(token).toMatch(/^hm_/);
      await expectAccessible(teacher, 'new API token dialog');
      await teacher.getByRole('button', { name: 'I have stored it' }).click();
      await teacher.getByRole('button', { name: 'Revoke gradebook sync' }).click();
      await teacher.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
      await teacher.getByText('You have no tokens.').waitFor();
      await expectAccessible(teacher, 'API tokens');
    });
    expect(teacherErrors).toEqual([]);
  });

  it('shows an admin the activity log with filters and paging, exports it, and verifies its integrity', async () => {
    const { page: admin, errors } = await newPage(chromium.browser, server.url);
    await step('admin', [admin], async () => {
      await devSignIn(admin, 'admin@district.test', 'District Admin', 'admin');
      const log = admin.getByRole('table', { name: 'Activity log entries' });
      await log.getByText('roster.import').first().waitFor();
      await log.getByText('rivera@district.test').first().waitFor();
      await expectAccessible(admin, 'activity log');

      // Paging: 25 entries a page, then the older ones.
      await admin.getByRole('combobox', { name: 'Entries per page' }).click();
      await admin.getByRole('option', { name: '25', exact: true }).click();
      await eventually(async () => (await log.locator('tbody tr').count()) === 25, 'a page holds 25 entries');
      const newest = await log.locator('tbody tr').first().textContent();
      await admin.getByRole('button', { name: 'Older' }).click();
      await admin.getByText('Page 2').waitFor();
      await eventually(async () => (await log.locator('tbody tr').first().textContent()) !== newest, 'the older page is shown');
      await admin.getByRole('button', { name: 'Newer' }).click();
      await admin.getByText('Page 1').waitFor();

      await admin.getByRole('combobox', { name: 'Action' }).fill('class.create');
      await admin.keyboard.press('Escape');
      await admin.getByRole('button', { name: 'Apply filters' }).click();
      await eventually(async () => {
        const rows = await log.locator('tbody tr').allTextContents();
        return rows.length === 1 && rows[0]!.includes('class.create');
      }, 'only the class.create entry is listed');

      const download = admin.waitForEvent('download');
      await admin.getByRole('link', { name: 'Export CSV' }).click();
      const csv = readFileSync((await (await download).path())!, 'utf8');
      expect(csv).toContain('class.create');
      expect(csv).not.toContain('roster.import');

      await admin.getByRole('button', { name: 'Verify integrity' }).click();
      await admin.getByText('The activity log is intact').waitFor({ timeout: 30_000 });
      await expectAccessible(admin, 'activity log (verified)');
      await capture(admin, 'activity-log-verified');

      await admin.getByRole('link', { name: 'Users and roles' }).click();
      await admin.getByRole('heading', { level: 1, name: 'Users and roles' }).waitFor();
      await admin.getByRole('table', { name: 'Users' }).getByText('rivera@district.test').waitFor();
      await expectAccessible(admin, 'users and roles');
      await capture(admin, 'users');
    });
    expect(errors).toEqual([]);
  });

  it('shows another teacher none of it, and their direct links answer "not found"', async () => {
    const { page: other, errors } = await newPage(chromium.browser, server.url);
    await step('other-teacher', [other], async () => {
      await devSignIn(other, 'okafor@district.test', 'Mr Okafor', 'teacher');
      await other.getByText('You have no classes yet').waitFor();
      for (const path of [`/classes/${ids.classId}`, `/assignments/${ids.assignmentId}`, `/rubrics/${ids.rubricId}`, `/assignments/${ids.assignmentId}/upload`]) {
        await other.goto(path);
        await other.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
        await expect(other.getByText('3rd Period Math').count()).resolves.toBe(0);
      }
      await expectAccessible(other, 'not found');
      await capture(other, 'not-found');
      await other.goto('/admin/activity');
      await other.getByRole('heading', { level: 1, name: 'Only for district admins' }).waitFor();
      await expect(other.getByRole('link', { name: 'Activity log' }).count()).resolves.toBe(0);

      await other.getByRole('button', { name: 'Sign out' }).click();
      await other.getByText('You are signed out.').waitFor();
      await other.goto('/');
      await other.waitForURL('**/sign-in');
    });
    expect(errors).toEqual([]);
  });
});

/**
 * Focuses a drop zone and presses Enter until the browser opens its file chooser. Right after a
 * page renders, the first Enter can land before the drop zone has wired its keyboard handler.
 */
async function chooseFromKeyboard(page: Page, dropZone: Locator): Promise<FileChooser> {
  for (let attempt = 1; ; attempt++) {
    await dropZone.focus();
    const chooser = page.waitForEvent('filechooser', { timeout: 3000 });
    await page.keyboard.press('Enter');
    try {
      return await chooser;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}
