import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { findOwnedSubmission } from '../submissions.access.js';
import { SUBMISSION_SELECT, type SubmissionDetailDto, type SubmissionPageRow, type SubmissionRow, toSubmissionDto, toSubmissionPageDto } from '../submissions.dto.js';

/** One submission of the caller's, with its pages (and the text of typed work). */
export class GetSubmissionQuery extends Query<SubmissionDetailDto> {
  constructor(
    readonly userId: string,
    readonly submissionId: string,
  ) {
    super();
  }
}

@QueryHandler(GetSubmissionQuery)
export class GetSubmissionHandler implements IQueryHandler<GetSubmissionQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ userId, submissionId }: GetSubmissionQuery): Promise<SubmissionDetailDto> {
    await findOwnedSubmission(this.dataSource.manager, userId, submissionId);
    const [row]: Array<SubmissionRow & { text_content: string | null }> = await this.dataSource.query(
      `SELECT v.*, s.text_content FROM (${SUBMISSION_SELECT} WHERE s.id = $1) v JOIN submissions s ON s.id = v.id`,
      [submissionId],
    );
    const pages: SubmissionPageRow[] = await this.dataSource.query(
      `SELECT page_number, blob_key IS NOT NULL AS rendered, width, height, is_cover, source_pdf_page
         FROM submission_pages WHERE submission_id = $1 ORDER BY page_number`,
      [submissionId],
    );
    return { ...toSubmissionDto(row), pages: pages.map((page) => toSubmissionPageDto(submissionId, page)), text: row.text_content };
  }
}
