# Multi-stage build of Platform.Web; runs as a non-root user. Configure with environment variables
# (Database__Main, Database__MainOwner, Database__Mode, ...); see README.md and docker-compose.yml.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Platform.sln ./
COPY Platform.Data/Platform.Data.csproj Platform.Data/
COPY Platform.Web/Platform.Web.csproj Platform.Web/
RUN dotnet restore Platform.Web/Platform.Web.csproj
COPY appsettings.json ./
COPY Platform.Data/ Platform.Data/
COPY Platform.Web/ Platform.Web/
RUN dotnet publish Platform.Web/Platform.Web.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# Production: no demo workspace, no dev mail outbox. Set AllowedHosts to your domain and Platform__PublicUrl to the
# address people use (mailed links are built from it).
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    AllowedHosts="localhost;127.0.0.1" \
    DOTNET_RUNNING_IN_CONTAINER=true
EXPOSE 8080
# The Data Protection certificate's volume (docker-compose.yml): owned by the app user so it can create the file.
RUN mkdir -p /var/lib/platform/keys && chown app /var/lib/platform/keys && chmod 700 /var/lib/platform/keys
# The aspnet image ships an unprivileged "app" user (UID 1654).
USER app
ENTRYPOINT ["dotnet", "Platform.Web.dll"]
