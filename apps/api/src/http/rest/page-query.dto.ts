import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

/** Keyset pagination as EC2's Describe calls take it: 5 to 1,000 results, and the token of the last page. */
export class PageQueryDto {
  @IsOptional() @Transform(({ value }) => (/^\d+$/.test(String(value)) ? Number(value) : value)) @IsInt() @Min(5) @Max(1000)
  maxResults?: number;

  @IsOptional() @IsString()
  nextToken?: string;
}
