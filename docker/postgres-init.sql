-- First start of the compose database: the two roles and the two databases Platform expects.
CREATE ROLE platform_owner LOGIN CREATEDB PASSWORD 'platform_owner_dev';
CREATE ROLE platform_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD 'platform_app_dev';
\connect template1
CREATE EXTENSION IF NOT EXISTS vector;
\connect postgres
CREATE DATABASE platform OWNER platform_owner;
CREATE DATABASE platform_tenants OWNER platform_owner;
