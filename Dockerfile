# The service image: build with the .NET SDK, run on the ASP.NET runtime as a non-root user.
#   docker build -t providerstatus .
#   docker run -p 8080:8080 -e ConnectionStrings__Postgres="Host=…;Password=…" providerstatus
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ProviderStatus.Api/ProviderStatus.Api.csproj src/ProviderStatus.Api/
RUN dotnet restore src/ProviderStatus.Api/ProviderStatus.Api.csproj
COPY src/ProviderStatus.Api/ src/ProviderStatus.Api/
RUN dotnet publish src/ProviderStatus.Api/ProviderStatus.Api.csproj --configuration Release --no-restore --output /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# Where the embedded SQLite database goes when no PostgreSQL connection string is set.
RUN mkdir -p /app/data && chown "$APP_UID" /app/data
USER $APP_UID
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=10s --start-period=15s --retries=3 \
  CMD ["dotnet", "ProviderStatus.Api.dll", "healthcheck", "--url", "http://127.0.0.1:8080/health/live"]
ENTRYPOINT ["dotnet", "ProviderStatus.Api.dll"]
