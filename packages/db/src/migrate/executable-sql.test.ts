/**
 * What counts as a migration's SQL: comments go, whatever looks like a comment inside quoted text
 * stays, and whitespace outside quoted text counts only as a space or a line break.
 */
import { describe, expect, it } from 'vitest';
import { executableSql } from './executable-sql.js';

describe('executableSql', () => {
  it('drops line and block comments, nested ones too, and blank lines', () => {
    const sql = [
      '-- header',
      '/* a block',
      '   /* nested */ still the comment */',
      '',
      'create table t (   -- why',
      '  id int /* inline */ primary key',
      ');   ',
      '-- trailer',
    ].join('\n');
    expect(executableSql(sql)).toBe('create table t (\nid int primary key\n);');
  });

  it('gives the same SQL whatever the comments say or however many lines they take', () => {
    const before = '-- one line\nselect 1; -- why\n/* short */ select 2;\n';
    const after =
      '-- reworded,\n-- now on two lines\nselect 1; /* why, reworded */\n/* longer\n   */ select 2;\n\n';
    expect(executableSql(after)).toBe(executableSql(before));
  });

  it('keeps a comment between two tokens as a space between them', () => {
    expect(executableSql('select 1/**/as x')).toBe('select 1 as x');
    expect(executableSql('select 1--x\nas x')).toBe('select 1\nas x');
  });

  it('keeps comment-looking text in string constants and quoted identifiers', () => {
    const sql = `select '-- not a comment', '/* nor this */', 'it''s -- kept', "odd--name", E'\\' -- kept';`;
    expect(executableSql(sql)).toBe(sql);
  });

  it('keeps dollar-quoted bodies byte for byte, comments and blank lines in them included', () => {
    const body = [
      'create function f() returns int language plpgsql as $$',
      'begin',
      '  -- this comment is part of the function',
      '',
      '  return 1; /* so is this */   ',
      'end $$;',
    ].join('\n');
    expect(executableSql(body)).toBe(body);
    const tagged = 'do $fn$ begin execute $body$ select 1 -- kept $body$; end $fn$; -- dropped';
    expect(executableSql(tagged)).toBe('do $fn$ begin execute $body$ select 1 -- kept $body$; end $fn$;');
  });

  it('does not take a parameter or a dollar inside a name for a quote', () => {
    expect(executableSql('select $1 -- dropped\n, a$b$c -- dropped')).toBe('select $1\n, a$b$c');
  });

  it('keeps a line break apart from a space, since one between string constants joins them', () => {
    expect(executableSql("select 'a'\n'b'")).not.toBe(executableSql("select 'a' 'b'"));
  });

  it('tells a change inside a function body from one in a comment beside it', () => {
    const original = 'create function f() returns int language sql as $$ select 1 -- one $$; -- note';
    const reworded = 'create function f() returns int language sql as $$ select 1 -- one $$; -- other note';
    const changedBody = 'create function f() returns int language sql as $$ select 1 -- two $$; -- note';
    expect(executableSql(reworded)).toBe(executableSql(original));
    expect(executableSql(changedBody)).not.toBe(executableSql(original));
  });

  it('runs an unterminated quote or comment to the end instead of failing', () => {
    expect(executableSql("select 'open -- x")).toBe("select 'open -- x");
    expect(executableSql('select 1 /* open')).toBe('select 1');
  });
});
